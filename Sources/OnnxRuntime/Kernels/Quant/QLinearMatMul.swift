import OnnxModel

extension NN {
    /// QLinearMatMul: y = saturate(round_half_even((a - a_zp) @ (b - b_zp) * a_scale * b_scale
    /// / y_scale) + y_zp); scales and zero points are scalars, per row of a or per column of b.
    /// The multiplier is computed in the scales' type (float32, or float16/bfloat16 from opset 21).
    public struct QLinearMatMul: OpKernel {
        public static let sinceVersions = [10, 21]

        public init(_ node: NodeContext) throws {}

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let a = try inputs.tensor(0), aScale = try inputs.tensor(1), aZp = try inputs.optionalTensor(2)
            let b = try inputs.tensor(3), bScale = try inputs.tensor(4), bZp = try inputs.optionalTensor(5)
            let yScale = try inputs.tensor(6), yZp = try inputs.optionalTensor(7)
            let exact = IntegerMatMul.floatIsExact(a, b)
            let ad = try IntegerMatMul.centered(a, aZp, rows: true, what: "a_zero_point", float: exact)
            let bd = try IntegerMatMul.centered(b, bZp, rows: false, what: "b_zero_point", float: exact)
            let prod = try MatMul.apply(ad, bd)
            let acc = try QuantSupport.doubles(prod), shape = prod.shape
            let out = yZp?.dtype ?? a.dtype
            guard let (lo, hi) = QuantSupport.intRange(out) else { throw KernelError.unsupported("output type \(out.name) is not supported") }
            let st = aScale.dtype
            let av = try QuantSupport.floats(aScale), bv = try QuantSupport.floats(bScale), yv = try QuantSupport.floats(yScale)
            guard yv.count == 1 else { throw KernelError("y_scale must be a scalar") }
            let z = try yZp.map { t throws(KernelError) in try QuantSupport.doubles(t) }?.first ?? 0
            let n = b.rank >= 2 ? b.shape[b.rank - 1] : 1
            let m = a.rank >= 2 ? a.shape[a.rank - 2] : 1
            guard av.count == 1 || av.count == m, bv.count == 1 || bv.count == n else {
                throw KernelError("a_scale must be a scalar or per row of a, b_scale a scalar or per column of b")
            }
            var y = [Int32](repeating: 0, count: acc.count)
            for i in 0..<acc.count {
                let sa = av.count == 1 ? av[0] : av[(i / n) % m], sb = bv.count == 1 ? bv[0] : bv[i % n]
                let mult = QuantSupport.roundTo(QuantSupport.roundTo(sa * sb, st) / yv[0], st)
                let v = (acc[i] * Double(mult)).rounded(.toNearestOrEven) + z
                y[i] = Int32(Swift.min(Swift.max(v, Double(lo)), Double(hi)))
            }
            return [.tensor(QuantSupport.makeInts(out, shape, y))]
        }
    }
}
