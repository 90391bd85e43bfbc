import OnnxModel

extension NN {
    /// Det: the determinant of each square matrix in the last two dims (LU with partial pivoting,
    /// in double), output shape X.shape[..<rank-2].
    public struct Det: OpKernel {
        public static let sinceVersions = [11, 22]

        public init(_ node: NodeContext) throws {}

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            try ConvTypes.check(x, "X")
            guard x.rank >= 2, x.shape[x.rank - 1] == x.shape[x.rank - 2] else {
                throw KernelError("X must be [..., M, M], got \(shapeText(x.shape))")
            }
            let m = x.shape[x.rank - 1]
            let batchShape = Array(x.shape.dropLast(2))
            let batch = Tensor.elementCount(batchShape)
            let v = try Cast.convert(x, to: .double).elements(as: Double.self)
            var out = [Double](repeating: 0, count: batch)
            var a = [Double](repeating: 0, count: m * m)
            for b in 0..<batch {
                for i in 0..<(m * m) { a[i] = v[b * m * m + i] }
                out[b] = Det.determinant(&a, m)
            }
            return [.tensor(try Cast.convert(Tensor(shape: batchShape, out), to: x.dtype))]
        }

        static func determinant(_ a: inout [Double], _ m: Int) -> Double {
            var det = 1.0
            for col in 0..<m {
                var piv = col
                for r in (col + 1)..<max(m, col + 1) where Swift.abs(a[r * m + col]) > Swift.abs(a[piv * m + col]) { piv = r }
                if a[piv * m + col] == 0 { return 0 }
                if piv != col {
                    for k in 0..<m { a.swapAt(piv * m + k, col * m + k) }
                    det = -det
                }
                let p = a[col * m + col]
                det *= p
                for r in (col + 1)..<max(m, col + 1) {
                    let f = a[r * m + col] / p
                    if f == 0 { continue }
                    for k in col..<m { a[r * m + k] -= f * a[col * m + k] }
                }
            }
            return det
        }
    }
}
