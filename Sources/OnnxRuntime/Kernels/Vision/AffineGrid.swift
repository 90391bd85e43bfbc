import OnnxModel

extension NN {
    /// AffineGrid: the sampling grid [N, H, W, 2] (or [N, D, H, W, 3]) of theta [N, 2, 3]
    /// (or [N, 3, 4]) applied to the normalised base grid in [-1, 1] (pixel centres, or the
    /// corner pixels with align_corners=1); size is [N, C, H, W] or [N, C, D, H, W].
    public struct AffineGrid: OpKernel {
        public static let sinceVersions = [20]
        let alignCorners: Bool

        public init(_ node: NodeContext) throws {
            alignCorners = try node.int("align_corners", default: 0) != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let theta = try inputs.tensor(0)
            let size = try inputs.tensor(1).intValues()
            try ConvTypes.check(theta, "theta")
            guard size.count == 4 || size.count == 5 else { throw KernelError("size must have 4 or 5 entries, got \(size.count)") }
            let r = size.count - 2
            let n = size[0], dims = Array(size[2...])
            _ = try Shapes.checked(size, what: "size")
            guard theta.shape == [n, r, r + 1] else { throw KernelError("theta \(shapeText(theta.shape)) must be [\(n), \(r), \(r + 1)]") }
            let tv = try Cast.convert(theta, to: .double).elements(as: Double.self)
            // Base coordinates per dim (x is the last dim).
            let base: [[Double]] = dims.map { len in
                (0..<len).map { i in
                    if alignCorners { return len == 1 ? -1 : -1 + 2 * Double(i) / Double(len - 1) }
                    return -1 + (2 * Double(i) + 1) / Double(len)
                }
            }
            let points = Tensor.elementCount(dims)
            var out = [Double](repeating: 0, count: n * points * r)
            var idx = [Int](repeating: 0, count: r)
            for p in 0..<points {
                ConvEngine.unflatten(p, dims, into: &idx)
                // Homogeneous point [x, y, (z), 1]: x from the last dim.
                var hp = [Double](repeating: 1, count: r + 1)
                for k in 0..<r { hp[k] = base[r - 1 - k][idx[r - 1 - k]] }
                for b in 0..<n {
                    for row in 0..<r {
                        var acc = 0.0
                        for col in 0...r { acc += tv[(b * r + row) * (r + 1) + col] * hp[col] }
                        out[(b * points + p) * r + row] = acc
                    }
                }
            }
            return [.tensor(try Cast.convert(Tensor(shape: [n] + dims + [r], out), to: theta.dtype))]
        }
    }
}
