import OnnxModel

extension NN {
    /// AveragePool: the mean over each window; padding counts in the divisor only with
    /// count_include_pad=1 (the extra ceil_mode padding never does). Dilations from opset 19.
    public struct AveragePool: OpKernel {
        public static let sinceVersions = [1, 7, 10, 11, 19, 22]
        let spec: PoolSpec
        let countIncludePad: Bool

        public init(_ node: NodeContext) throws {
            spec = try PoolSpec(node, dilations: true)
            countIncludePad = try node.int("count_include_pad", default: 0) != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            try ConvTypes.check(x, "X")
            let geo = try spec.geometry(x)
            return [.tensor(try SumPool.run(x, geo, includePad: countIncludePad, power: nil, threads: context.threads))]
        }
    }

    /// AveragePool and LpPool: a separable sum pool followed by a per-output finish.
    enum SumPool {
        /// power nil: average (divide by the counted taps); power p: (sum |x|^p)^(1/p).
        static func run(_ x: Tensor, _ geo: WindowGeometry, includePad: Bool, power: Double?, threads: Int = 1) throws(KernelError) -> Tensor {
            let t = x.dtype
            if t == .double { return apply(x, geo, includePad, power, threads, Double.self) }
            return try Cast.convert(apply(try Cast.convert(x, to: .float), geo, includePad, power, threads, Float.self), to: t)
        }

        static func apply<T: FloatElement>(_ x: Tensor, _ geo: WindowGeometry, _ includePad: Bool, _ power: Double?, _ threads: Int, _: T.Type) -> Tensor {
            let planes = x.shape[0] * x.shape[1]
            let shape = Array(x.shape[0..<2]) + geo.outSize
            let src: Tensor
            if let p = power {
                let pt = T(p)
                src = Elementwise.map(x, to: x.dtype, T.self, T.self) { v in
                    let a = Swift.abs(v)
                    return p == 1 ? a : (p == 2 ? a * a : T.pow(a, pt))
                }
            } else {
                src = x
            }
            let (vals, _, taps) = src.withUnsafeBuffer(as: T.self) { s in
                PoolEngine.pool(.sum, s.baseAddress!, planes: planes, geo: geo, wantIndex: false, includePad: includePad, threads: threads)
            }
            let outPlane = geo.outCount
            let count = planes * outPlane
            return Tensor.make(x.dtype, shape, as: T.self) { d in
                if let p = power {
                    let inv = T(1 / p)
                    for i in 0..<count {
                        let v = vals.base[i]
                        d[i] = p == 1 ? v : (p == 2 ? v.squareRoot() : T.pow(v, inv))
                    }
                } else {
                    let divisors = PoolEngine.product(geo, taps.map(\.counted)).map { T(1) / T($0) }
                    for q in 0..<planes {
                        for i in 0..<outPlane { d[q * outPlane + i] = vals.base[q * outPlane + i] * divisors[i] }
                    }
                }
            }
        }
    }
}
