import OnnxModel

extension NN {
    /// Conv: N-D convolution (1-D, 2-D, 3-D, ...) with groups, strides, dilations, explicit pads or
    /// auto_pad, and an optional bias. X [N, C, in...], W [M, C/group, k...], B [M].
    public struct Conv: OpKernel {
        public static let sinceVersions = [1, 11, 22]
        let window: WindowAttributes
        let group: Int
        /// Winograd-transformed weights, computed on the first run.
        let winograd = WinogradWeights()

        public init(_ node: NodeContext) throws {
            window = try WindowAttributes(node)
            group = try node.int("group", default: 1)
            guard group >= 1 else { throw KernelError("group must be at least 1, got \(group)") }
        }

        /// Checks X, W (and B) against each other and resolves the window.
        static func problem(x: Tensor, w: Tensor, b: Tensor?, group: Int, window: WindowAttributes) throws(KernelError) -> ConvEngine.Problem {
            guard x.rank >= 3 else { throw KernelError("X must have rank >= 3 (N, C, spatial...), got \(shapeText(x.shape))") }
            guard w.rank == x.rank else { throw KernelError("W \(shapeText(w.shape)) must have the rank of X \(shapeText(x.shape))") }
            let c = x.shape[1], m = w.shape[0]
            guard c % group == 0, m % group == 0 else {
                throw KernelError("channels (X has \(c), W has \(m) filters) are not divisible by group \(group)")
            }
            guard w.shape[1] * group == c else {
                throw KernelError("W \(shapeText(w.shape)) expects \(w.shape[1] * group) input channels, X \(shapeText(x.shape)) has \(c)")
            }
            let kernel = Array(w.shape[2...])
            if let ks = window.kernelShape, ks != kernel {
                throw KernelError("kernel_shape \(shapeText(ks)) does not match W \(shapeText(w.shape))")
            }
            if let b {
                guard b.rank == 1, b.count == m else { throw KernelError("B \(shapeText(b.shape)) must be 1-D with \(m) entries") }
            }
            let geo = try window.resolve(inSize: Array(x.shape[2...]), kernel: kernel)
            _ = try Shapes.checked([x.shape[0], m] + geo.outSize, what: "output")
            // The im2col matrix (or the depthwise kernel's padded plane) must fit as well.
            _ = try Shapes.checked([c, Tensor.elementCount(kernel), geo.outCount], what: "im2col matrix")
            return ConvEngine.Problem(batch: x.shape[0], inChannels: c, outChannels: m, group: group, geo: geo)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1)
            let b = try inputs.optionalTensor(2)
            try ConvTypes.check(x, "X")
            guard w.dtype == x.dtype, b == nil || b!.dtype == x.dtype else {
                throw KernelError("X, W and B must have one type, got \(x.dtype.name), \(w.dtype.name)\(b.map { ", \($0.dtype.name)" } ?? "")")
            }
            var p = try Conv.problem(x: x, w: w, b: b, group: group, window: window)
            p.threads = context.threads
            let shape = [p.batch, p.outChannels] + p.geo.outSize
            return [.tensor(try Conv.apply(p, x, w, b, outShape: shape, winograd: winograd))]
        }

        /// The outputs of a Conv fused with the activation nodes after it: `y` is the last
        /// node's output; with `keep`, `pre` (the Conv's output) and, for SiLU, `mid` (the
        /// Sigmoid's) as the unfused nodes would have produced them.
        struct Fused {
            var pre: Tensor?
            var mid: Tensor?
            var y: Tensor
            /// With `deferPre` (and pre not made): whether the Conv's output holds a NaN or an infinity.
            var preNonFinite: Bool?
        }

        /// Conv and `activation` in one pass over the output; nil unless X, W and B are float32
        /// (the caller then runs the nodes one by one). `stream`: the kept copies held to the end of the run.
        /// `deferPre`: make `mid` as asked, but not the Conv's own output (when kept, only if it is
        /// at least `Interpreter.droppedSize` bytes): only whether it holds a NaN or an infinity.
        func runFused(_ inputs: [Value?], _ context: KernelContext, activation: FastMath.EpilogueKind, keep: Bool,
                      stream: FastMath.StreamedCopies = [.pre, .mid], deferPre: Bool = false) throws -> Fused? {
            let x = try inputs.tensor(0), w = try inputs.tensor(1)
            let b = try inputs.optionalTensor(2)
            guard x.dtype == .float, w.dtype == .float, b == nil || b!.dtype == .float else { return nil }
            var p = try Conv.problem(x: x, w: w, b: b, group: group, window: window)
            p.threads = context.threads
            let shape = [p.batch, p.outChannels] + p.geo.outSize
            let count = Tensor.elementCount(shape)
            func buffer() -> TensorBuffer { TensorBuffer(byteCount: count * MemoryLayout<Float>.stride) }
            let out = buffer()
            // Kept values under droppedSize are held by the run (not dropped): those are made.
            let deferring = deferPre && (!keep || count * MemoryLayout<Float>.stride >= Interpreter.droppedSize)
            let pre = keep && !deferring ? buffer() : nil
            let mid = keep && activation == .silu ? buffer() : nil
            func floats(_ t: TensorBuffer?) -> UnsafeMutablePointer<Float>? { t?.base.assumingMemoryBound(to: Float.self) }
            let flag = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
            flag.initialize(to: 0)
            defer { flag.deallocate() }
            let epilogue = ConvEpilogue(kind: activation, pre: floats(pre), mid: floats(mid), stream: stream, nonfinite: deferring ? flag : nil)
            try ConvEngine.forward(p, x: UnsafePointer(x.buffer.base.assumingMemoryBound(to: Float.self)),
                                   w: UnsafePointer(w.buffer.base.assumingMemoryBound(to: Float.self)),
                                   bias: b.map { UnsafePointer($0.buffer.base.assumingMemoryBound(to: Float.self)) },
                                   y: out.base.assumingMemoryBound(to: Float.self),
                                   winograd: Winograd.Request(cache: winograd, key: w.buffer), epilogue: epilogue)
            func tensor(_ t: TensorBuffer?) -> Tensor? { t.map { Tensor(dtype: .float, shape: shape, buffer: $0) } }
            return Fused(pre: tensor(pre), mid: tensor(mid), y: Tensor(dtype: .float, shape: shape, buffer: out),
                         preNonFinite: deferring ? flag.pointee != 0 : nil)
        }

        /// Runs the engine in the compute type of `x` and returns a tensor of x's type.
        static func apply(_ p: ConvEngine.Problem, _ x: Tensor, _ w: Tensor, _ b: Tensor?, outShape: [Int], transposed: Bool = false,
                          winograd: WinogradWeights? = nil) throws(KernelError) -> Tensor {
            let ct = ConvTypes.compute(x.dtype)
            let xc = try ConvTypes.to(x, ct), wc = try ConvTypes.to(w, ct)
            let bc = try b.map { t throws(KernelError) in try ConvTypes.to(t, ct) }
            let y: Tensor
            if ct == .double {
                y = try run(p, xc, wc, bc, outShape, transposed, Double.self)
            } else {
                // Keyed by the node's own W buffer: a converted copy is new on every call.
                let request = winograd.map { Winograd.Request(cache: $0, key: w.buffer) }
                y = try run(p, xc, wc, bc, outShape, transposed, Float.self, winograd: request)
            }
            return try ConvTypes.to(y, x.dtype)
        }

        static func run<T: ConvScalar>(_ p: ConvEngine.Problem, _ x: Tensor, _ w: Tensor, _ b: Tensor?, _ outShape: [Int],
                                       _ transposed: Bool, _: T.Type, winograd: Winograd.Request? = nil) throws(KernelError) -> Tensor {
            let out = TensorBuffer(byteCount: Tensor.elementCount(outShape) * MemoryLayout<T>.stride)
            let y = out.base.assumingMemoryBound(to: T.self)
            let px = UnsafePointer(x.buffer.base.assumingMemoryBound(to: T.self))
            let pw = UnsafePointer(w.buffer.base.assumingMemoryBound(to: T.self))
            let pb = b.map { UnsafePointer($0.buffer.base.assumingMemoryBound(to: T.self)) }
            if transposed {
                try ConvEngine.transposed(p, x: px, w: pw, bias: pb, y: y)
            } else {
                try ConvEngine.forward(p, x: px, w: pw, bias: pb, y: y, winograd: winograd)
            }
            return Tensor(dtype: T.dataType, shape: outShape, buffer: out)
        }
    }
}
