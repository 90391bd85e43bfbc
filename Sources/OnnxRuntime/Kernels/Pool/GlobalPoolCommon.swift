import OnnxModel

extension NN {
    /// The global pools: one value per (N, C) plane over all spatial positions, output [N, C, 1, ...].
    enum GlobalPool {
        enum Kind { case average, max, lp(Double) }

        static func run(_ x: Tensor, _ kind: Kind) throws(KernelError) -> Tensor {
            guard x.rank >= 2 else { throw KernelError("X must have rank >= 2 (N, C, spatial...), got \(shapeText(x.shape))") }
            try ConvTypes.check(x, "X")
            let t = x.dtype
            if t == .double { return apply(x, kind, Double.self) }
            return try Cast.convert(apply(try Cast.convert(x, to: .float), kind, Float.self), to: t)
        }

        static func apply<T: FloatElement>(_ x: Tensor, _ kind: Kind, _: T.Type) -> Tensor {
            let planes = x.shape[0] * x.shape[1]
            let n = Tensor.elementCount(Array(x.shape[2...]))
            let shape = Array(x.shape[0..<2]) + [Int](repeating: 1, count: x.rank - 2)
            return x.withUnsafeBuffer(as: T.self) { src in
                Tensor.make(x.dtype, shape, as: T.self) { d in
                    for q in 0..<planes {
                        let s = src.baseAddress! + q * n
                        switch kind {
                        case .average:
                            var acc: T = 0
                            for i in 0..<n { acc += s[i] }
                            d[q] = acc / T(n)
                        case .max:
                            var acc = -T.infinity
                            for i in 0..<n where s[i] > acc || s[i].isNaN { acc = s[i] }
                            d[q] = acc
                        case let .lp(p):
                            var acc: T = 0
                            let pt = T(p)
                            for i in 0..<n {
                                let a = Swift.abs(s[i])
                                acc += p == 2 ? a * a : (p == 1 ? a : T.pow(a, pt))
                            }
                            d[q] = p == 2 ? acc.squareRoot() : (p == 1 ? acc : T.pow(acc, T(1 / p)))
                        }
                    }
                }
            }
        }
    }
}
