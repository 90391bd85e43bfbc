import OnnxModel

extension NN {
    /// QLinearConv: y = saturate(round_half_even(conv(x - x_zp, w - w_zp) + B) * x_scale *
    /// w_scale / y_scale) + y_zp); w_scale and w_zero_point are scalars or per output channel.
    public struct QLinearConv: OpKernel {
        public static let sinceVersions = [10]
        let window: WindowAttributes
        let group: Int

        public init(_ node: NodeContext) throws {
            window = try WindowAttributes(node)
            group = try node.int("group", default: 1)
            guard group >= 1 else { throw KernelError("group must be at least 1, got \(group)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), xScale = try inputs.tensor(1), xZp = try inputs.optionalTensor(2)
            let w = try inputs.tensor(3), wScale = try inputs.tensor(4), wZp = try inputs.optionalTensor(5)
            let yScale = try inputs.tensor(6), yZp = try inputs.optionalTensor(7)
            let bias = try inputs.optionalTensor(8)
            if let bias, bias.dtype != .int32 { throw KernelError("B must be int32, got \(bias.dtype.name)") }
            let (acc, shape) = try QuantConv.accumulate(x: x, xZp: xZp, w: w, wZp: wZp, bias: bias, group: group, window: window)
            let out = yZp?.dtype ?? x.dtype
            guard let (lo, hi) = QuantSupport.intRange(out) else { throw KernelError.unsupported("output type \(out.name) is not supported") }
            let xs = try QuantSupport.floats(xScale), ws = try QuantSupport.floats(wScale), ys = try QuantSupport.floats(yScale)
            guard xs.count == 1, ys.count == 1 else { throw KernelError("x_scale and y_scale must be scalars") }
            let m = shape[1]
            guard ws.count == 1 || ws.count == m else { throw KernelError("w_scale \(shapeText(wScale.shape)) must be a scalar or have \(m) entries") }
            let mult = (0..<m).map { Double(xs[0] * (ws.count == 1 ? ws[0] : ws[$0]) / ys[0]) }
            let z = try yZp.map { t throws(KernelError) in try QuantSupport.doubles(t) }?.first ?? 0
            let plane = Tensor.elementCount(Array(shape[2...]))
            var y = [Int32](repeating: 0, count: acc.count)
            for i in 0..<acc.count {
                let c = plane == 0 ? 0 : (i / plane) % m
                let v = Swift.min(Swift.max(acc[i] * mult[c] + z, Double(lo)), Double(hi)).rounded(.toNearestOrEven)
                y[i] = Int32(v)
            }
            return [.tensor(QuantSupport.makeInts(out, shape, y))]
        }
    }
}
