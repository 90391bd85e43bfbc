import OnnxModel

extension NN {
    /// ConvInteger: int32 convolution of (x - x_zero_point) with (w - w_zero_point); the
    /// weight zero point is a scalar or one per output channel. Runs exactly in double through
    /// the Conv engine (OpenBLAS dgemm).
    public struct ConvInteger: OpKernel {
        public static let sinceVersions = [10]
        let window: WindowAttributes
        let group: Int

        public init(_ node: NodeContext) throws {
            window = try WindowAttributes(node)
            group = try node.int("group", default: 1)
            guard group >= 1 else { throw KernelError("group must be at least 1, got \(group)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1)
            let (acc, shape) = try QuantConv.accumulate(x: x, xZp: try inputs.optionalTensor(2), w: w, wZp: try inputs.optionalTensor(3),
                                                        bias: nil, group: group, window: window)
            return [.tensor(try Cast.convert(Tensor(shape: shape, acc), to: .int32))]
        }
    }

    enum QuantConv {
        /// The integer convolution sum(x - x_zp) * (w - w_zp) (+ int32 bias) in double.
        static func accumulate(x: Tensor, xZp: Tensor?, w: Tensor, wZp: Tensor?, bias: Tensor?, group: Int,
                               window: WindowAttributes) throws(KernelError) -> ([Double], [Int]) {
            for (t, what) in [(x, "x"), (w, "w")] where !(t.dtype == .int8 || t.dtype == .uint8) {
                throw KernelError.unsupported("\(what) type \(t.dtype.name) is not supported")
            }
            var xv = try QuantSupport.doubles(x)
            if let xZp {
                guard xZp.count == 1 else { throw KernelError("x_zero_point must be a scalar, got \(shapeText(xZp.shape))") }
                let z = xZp.doubleValue(at: 0)
                for i in 0..<xv.count { xv[i] -= z }
            }
            var wv = try QuantSupport.doubles(w)
            if let wZp {
                let z = try QuantSupport.doubles(wZp)
                let m = w.rank > 0 ? w.shape[0] : 1
                guard z.count == 1 || z.count == m else { throw KernelError("w_zero_point \(shapeText(wZp.shape)) must be a scalar or have \(m) entries") }
                let per = m == 0 ? 0 : w.count / m
                for i in 0..<wv.count { wv[i] -= z.count == 1 ? z[0] : z[i / per] }
            }
            let xd = Tensor(shape: x.shape, xv), wd = Tensor(shape: w.shape, wv)
            let bd = try bias.map { b throws(KernelError) in try Cast.convert(b, to: .double) }
            let p = try Conv.problem(x: xd, w: wd, b: bd, group: group, window: window)
            let shape = [p.batch, p.outChannels] + p.geo.outSize
            let y = try Conv.run(p, xd, wd, bd, shape, false, Double.self)
            return (y.elements(as: Double.self), shape)
        }
    }
}
