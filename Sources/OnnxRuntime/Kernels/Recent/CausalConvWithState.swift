import OnnxModel

extension Recent {
    /// CausalConvWithState: depthwise causal 1-D convolution of input [B, C, L] with weight
    /// [C, 1, K] over the input left-padded by past_state [B, C, K-1] (zeros without it), plus
    /// bias, optionally followed by SiLU ("silu" / "swish"). present_state is the last K-1
    /// positions of the padded input.
    public struct CausalConvWithState: OpKernel {
        public static let sinceVersions = [27]
        let silu: Bool

        public init(_ node: NodeContext) throws {
            switch try node.string("activation", default: "none") {
            case "none": silu = false
            case "silu", "swish": silu = true
            case let s: throw KernelError("activation '\(s)' is not one of none, silu, swish")
            }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1)
            guard x.rank == 3 else { throw KernelError("input must be [batch, channels, length], got \(shapeText(x.shape))") }
            let (b, c, l) = (x.shape[0], x.shape[1], x.shape[2])
            guard w.rank == 3, w.shape[0] == c, w.shape[1] == 1, w.shape[2] >= 1 else {
                throw KernelError("weight must be [\(c), 1, k], got \(shapeText(w.shape))")
            }
            let k = w.shape[2]
            let bias = try inputs.optionalTensor(2)
            if let bias, bias.shape != [c] { throw KernelError("bias must be [\(c)], got \(shapeText(bias.shape))") }
            let past = try inputs.optionalTensor(3)
            if let past, past.shape != [b, c, k - 1] { throw KernelError("past_state must be \(shapeText([b, c, k - 1])), got \(shapeText(past.shape))") }
            for (name, t) in [("weight", w), ("bias", bias), ("past_state", past)] {
                if let t, t.dtype != x.dtype { throw KernelError("\(name) is \(t.dtype.name), input \(x.dtype.name)") }
            }
            let xv = try Recent.floats(x, what: "input"), wv = try Recent.floats(w, what: "weight")
            let bv = try bias.map { t throws(KernelError) in try Recent.floats(t, what: "bias") }
            let pv = try past.map { t throws(KernelError) in try Recent.floats(t, what: "past_state") }
            let width = l + k - 1
            var padded = [Float](repeating: 0, count: b * c * width)
            for bc in 0..<(b * c) {
                if let pv { for j in 0..<(k - 1) { padded[bc * width + j] = pv[bc * (k - 1) + j] } }
                for t in 0..<l { padded[bc * width + k - 1 + t] = xv[bc * l + t] }
            }
            var y = [Float](repeating: 0, count: b * c * l)
            var state = [Float](repeating: 0, count: b * c * (k - 1))
            for bc in 0..<(b * c) {
                let ch = bc % max(c, 1)
                for t in 0..<l {
                    var s: Float = bv?[ch] ?? 0
                    for j in 0..<k { s += wv[ch * k + j] * padded[bc * width + t + j] }
                    if silu { s = s / (1 + Float.exp(-s)) }
                    y[bc * l + t] = s
                }
                for j in 0..<(k - 1) { state[bc * (k - 1) + j] = padded[bc * width + l + j] }
            }
            if x.dtype == .double {
                // Double inputs: recompute in double precision.
                let xd = x.elements(as: Double.self), wd = w.elements(as: Double.self)
                let bd = bias?.elements(as: Double.self), pd = past?.elements(as: Double.self)
                var yd = [Double](repeating: 0, count: y.count), sd = [Double](repeating: 0, count: state.count)
                for bc in 0..<(b * c) {
                    let ch = bc % max(c, 1)
                    func at(_ i: Int) -> Double { i < k - 1 ? (pd?[bc * (k - 1) + i] ?? 0) : xd[bc * l + i - (k - 1)] }
                    for t in 0..<l {
                        var s = bd?[ch] ?? 0
                        for j in 0..<k { s += wd[ch * k + j] * at(t + j) }
                        if silu { s = s / (1 + Double.exp(-s)) }
                        yd[bc * l + t] = s
                    }
                    for j in 0..<(k - 1) { sd[bc * (k - 1) + j] = at(l + j) }
                }
                return [.tensor(Tensor(shape: x.shape, yd)), .tensor(Tensor(shape: [b, c, k - 1], sd))]
            }
            return [.tensor(try Recent.tensor(y, x.shape, x.dtype)), .tensor(try Recent.tensor(state, [b, c, k - 1], x.dtype))]
        }
    }
}
