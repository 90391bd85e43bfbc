import OnnxModel

extension NN {
    /// MeanVarianceNormalization: (x - mean) / (sqrt(variance) + 1e-9) over `axes` (default
    /// [0, 2, 3]), variance = E[x^2] - E[x]^2 as in the op's function body.
    public struct MeanVarianceNormalization: OpKernel {
        public static let sinceVersions = [9, 13]
        let axes: [Int]

        public init(_ node: NodeContext) throws {
            axes = try node.ints("axes") ?? [0, 2, 3]
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            var mask = [Bool](repeating: false, count: x.rank)
            for a in axes { mask[try Shapes.axis(a, rank: x.rank)] = true }
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return [MeanVarianceNormalization.apply(xc, mask, Double.self)] }
                return [MeanVarianceNormalization.apply(xc, mask, Float.self)]
            }
            return [.tensor(outs[0])]
        }

        static func apply<T: FloatElement>(_ x: Tensor, _ mask: [Bool], _: T.Type) -> Tensor {
            var outCount = 1, n = 1
            for (d, m) in mask.enumerated() { if m { n *= x.shape[d] } else { outCount *= x.shape[d] } }
            var sum = [Double](repeating: 0, count: outCount), sq = sum
            sum.withUnsafeMutableBufferPointer { s in
                sq.withUnsafeMutableBufferPointer { q in
                    Reduction.loop(x, mask, T.self) { v, o in let d = v.asDouble; s[o] += d; q[o] += d * d }
                }
            }
            let mean = sum.map { $0 / Double(n) }
            let den = (0..<outCount).map { (max(sq[$0] / Double(n) - mean[$0] * mean[$0], 0)).squareRoot() + 1e-9 }
            var y = [T](repeating: 0, count: x.count)
            var i = 0
            Reduction.loop(x, mask, T.self) { v, o in
                y[i] = T((v.asDouble - mean[o]) / den[o])
                i += 1
            }
            return Tensor(dtype: x.dtype, shape: x.shape, y)
        }
    }
}
