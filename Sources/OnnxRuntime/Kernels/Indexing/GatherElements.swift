/// GatherElements: out[i][j][k] = data[index[i][j][k]][j][k] (for axis 0), output shaped like indices.
public struct GatherElements: OpKernel {
    public static let sinceVersions = [11, 13]
    let axis: Int

    public init(_ node: NodeContext) throws { axis = try node.int("axis", default: 0) }

    /// Flat data index for every element of `indices` along `axis`.
    static func flatIndices(_ x: [Int], _ indices: Tensor, axis a: Int) throws(KernelError) -> [Int] {
        guard indices.rank == x.count else { throw KernelError("indices have rank \(indices.rank), data has rank \(x.count)") }
        let idx = try indices.intValues()
        let xs = Shapes.strides(x)
        var out = [Int](repeating: 0, count: idx.count)
        var pos = [Int](repeating: 0, count: x.count)
        for i in 0..<idx.count {
            var f = 0
            for d in 0..<x.count {
                if d == a {
                    var j = idx[i]
                    if j < 0 { j += x[a] }
                    guard j >= 0 && j < x[a] else { throw KernelError("index \(idx[i]) is out of range for axis \(a) of size \(x[a])") }
                    f += j * xs[d]
                } else {
                    guard pos[d] < x[d] else { throw KernelError("indices shape \(shapeText(indices.shape)) exceeds data shape \(shapeText(x)) on dim \(d)") }
                    f += pos[d] * xs[d]
                }
            }
            out[i] = f
            var d = x.count - 1
            while d >= 0 {
                pos[d] += 1
                if pos[d] < indices.shape[d] { break }
                pos[d] = 0
                d -= 1
            }
        }
        return out
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0), indices = try inputs.tensor(1)
        let a = try Shapes.axis(axis, rank: x.rank)
        return [.tensor(try Movement.gather(x, indices: try GatherElements.flatIndices(x.shape, indices, axis: a), shape: indices.shape))]
    }
}
