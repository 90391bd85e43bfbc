import OnnxModel

extension Recent {
    /// ai.onnx.preview FlexAttention: Y = softmax(score_mod(Q·Kᵀ·scale)) → prob_mod → ·V over rank-4
    /// [batch, heads, sequence, size] inputs, query heads sharing K/V heads in groups (GQA). The
    /// optional `score_mod` / `prob_mod` graphs run as subgraph frames of the interpreter (so they
    /// can be stepped into). Scores are computed in float32 for float16/bfloat16/float inputs and
    /// in double for double (or in `softmax_precision`).
    public struct FlexAttention: OpKernel, ControlFlowKernel {
        public static let domain = "ai.onnx.preview"
        public static let sinceVersions = [1]
        let scale: Float?
        let hasScoreMod: Bool
        let hasProbMod: Bool
        let precision: DataType?

        public init(_ node: NodeContext) throws {
            scale = try node.float("scale")
            hasScoreMod = try node.graph("score_mod") != nil
            hasProbMod = try node.graph("prob_mod") != nil
            if let p = try node.int("softmax_precision") {
                guard let t = DataType(rawValue: Int32(truncatingIfNeeded: p)), [.float, .float16, .bfloat16, .double].contains(t) else {
                    throw KernelError("softmax_precision \(p) is not float16, bfloat16, float or double")
                }
                precision = t
            } else {
                precision = nil
            }
        }

        /// One execution: scores -> (score_mod) -> softmax -> (prob_mod) -> output.
        final class Activation: ControlFlowActivation {
            enum Stage { case start, scored, probed }
            let kernel: FlexAttention
            let v: Tensor
            let (b, hq, hkv, l, s, ev): (Int, Int, Int, Int, Int, Int)
            let compute: DataType
            var scores: Tensor
            var stage = Stage.start

            init(_ kernel: FlexAttention, q: Tensor, k: Tensor, v: Tensor) throws(KernelError) {
                self.kernel = kernel
                self.v = v
                (b, hq, l) = (q.shape[0], q.shape[1], q.shape[2])
                (hkv, s, ev) = (k.shape[1], k.shape[2], v.shape[3])
                let e = q.shape[3]
                compute = kernel.precision ?? (q.dtype == .double ? .double : .float)
                let sc = kernel.scale ?? Float(1 / Double(e).squareRoot())
                // Q and K are pre-scaled by √scale in the input type, as the reference does.
                let round = FlexAttention.rounding(q.dtype)
                let ss = round(sc.squareRoot())
                let qv = try Recent.floats(q, what: "Q").map { round($0 * ss) }
                let kv = try Recent.floats(k, what: "K").map { round($0 * ss) }
                let group = hq / hkv
                var out = [Float](repeating: 0, count: b * hq * l * s)
                for n in 0..<b {
                    for h in 0..<hq {
                        let qb = (n * hq + h) * l * e, kb = (n * hkv + h / group) * s * e
                        for i in 0..<l {
                            for j in 0..<s {
                                var acc: Float = 0
                                for d in 0..<e { acc += qv[qb + i * e + d] * kv[kb + j * e + d] }
                                out[((n * hq + h) * l + i) * s + j] = round(acc)
                            }
                        }
                    }
                }
                let shape = [b, hq, l, s]
                if q.dtype == .double {
                    let qd = q.elements(as: Double.self), kd = k.elements(as: Double.self), sd = Double(sc).squareRoot()
                    var o = [Double](repeating: 0, count: out.count)
                    for n in 0..<b {
                        for h in 0..<hq {
                            let qb = (n * hq + h) * l * e, kb = (n * hkv + h / group) * s * e
                            for i in 0..<l {
                                for j in 0..<s {
                                    var acc = 0.0
                                    for d in 0..<e { acc += qd[qb + i * e + d] * sd * (kd[kb + j * e + d] * sd) }
                                    o[((n * hq + h) * l + i) * s + j] = acc
                                }
                            }
                        }
                    }
                    scores = try Cast.convert(Tensor(shape: shape, o), to: compute)
                } else {
                    scores = try Cast.convert(Tensor(shape: shape, out), to: compute)
                }
            }

            func checked(_ outs: [Value], _ what: String) throws(KernelError) -> Tensor {
                guard outs.count == 1, let t = outs[0].tensor else { throw KernelError("\(what) must produce one tensor") }
                guard t.shape == scores.shape else { throw KernelError("\(what) returned \(shapeText(t.shape)), expected \(shapeText(scores.shape))") }
                return t.dtype == compute ? t : try Cast.convert(t, to: compute)
            }

            func softmax() throws(KernelError) {
                let x = try Cast.convert(scores, to: .double).elements(as: Double.self)
                var y = x
                for r in 0..<(x.count / max(s, 1)) {
                    let row = r * s
                    var m = -Double.infinity
                    for j in 0..<s { m = max(m, x[row + j]) }
                    var sum = 0.0
                    for j in 0..<s { y[row + j] = Double.exp(x[row + j] - m); sum += y[row + j] }
                    for j in 0..<s { y[row + j] /= sum }
                }
                scores = try Cast.convert(Tensor(shape: scores.shape, y), to: compute)
            }

            func output() throws(KernelError) -> Tensor {
                let p = try Cast.convert(scores, to: .double).elements(as: Double.self)
                let vv = try Cast.convert(v, to: .double).elements(as: Double.self)
                let group = hq / hkv
                var o = [Double](repeating: 0, count: b * hq * l * ev)
                for n in 0..<b {
                    for h in 0..<hq {
                        let vb = (n * hkv + h / group) * s * ev
                        for i in 0..<l {
                            let pb = ((n * hq + h) * l + i) * s
                            for m in 0..<ev {
                                var acc = 0.0
                                for j in 0..<s { acc += p[pb + j] * vv[vb + j * ev + m] }
                                o[((n * hq + h) * l + i) * ev + m] = acc
                            }
                        }
                    }
                }
                let t = Tensor(shape: [b, hq, l, ev], o)
                if compute == .double { return try Cast.convert(t, to: v.dtype) }
                // Round through the compute type first, as the reference multiplies in it.
                return try Cast.convert(try Cast.convert(t, to: compute), to: v.dtype)
            }

            func next(_ previousOutputs: [Value]?) throws -> ControlFlowStep {
                switch stage {
                case .start:
                    stage = .scored
                    if kernel.hasScoreMod { return .run(subgraph: "score_mod", inputs: [.tensor(scores)], label: "score_mod") }
                    return try next(nil)
                case .scored:
                    if let previousOutputs { scores = try checked(previousOutputs, "score_mod") }
                    try softmax()
                    stage = .probed
                    if kernel.hasProbMod { return .run(subgraph: "prob_mod", inputs: [.tensor(scores)], label: "prob_mod") }
                    return try next(nil)
                case .probed:
                    if let previousOutputs { scores = try checked(previousOutputs, "prob_mod") }
                    return .finish([.tensor(try output())])
                }
            }
        }

        /// Rounding to the input type's precision for float16/bfloat16 (identity otherwise).
        static func rounding(_ t: DataType) -> (Float) -> Float {
            switch t {
            case .float16: return { Float(Float16($0)) }
            case .bfloat16: return { FloatFormats.bfloat16ToFloat(FloatFormats.floatToBFloat16($0)) }
            default: return { $0 }
            }
        }

        public func begin(_ inputs: [Value?], _ context: KernelContext) throws -> any ControlFlowActivation {
            let q = try inputs.tensor(0), k = try inputs.tensor(1), v = try inputs.tensor(2)
            for (name, t) in [("Q", q), ("K", k), ("V", v)] where t.rank != 4 {
                throw KernelError("\(name) must be rank 4 [batch, heads, sequence, size], got \(shapeText(t.shape))")
            }
            guard k.dtype == q.dtype, v.dtype == q.dtype else { throw KernelError("Q, K and V must share one type") }
            guard k.shape[0] == q.shape[0], v.shape[0] == q.shape[0] else { throw KernelError("Q, K and V differ in batch size") }
            guard k.shape[1] == v.shape[1], k.shape[2] == v.shape[2] else { throw KernelError("K and V differ in heads or sequence length") }
            guard k.shape[3] == q.shape[3] else { throw KernelError("Q and K differ in head size") }
            guard k.shape[1] > 0, q.shape[1] % k.shape[1] == 0 else {
                throw KernelError("q heads (\(q.shape[1])) must be a multiple of kv heads (\(k.shape[1]))")
            }
            return try Activation(self, q: q, k: k, v: v)
        }
    }
}
