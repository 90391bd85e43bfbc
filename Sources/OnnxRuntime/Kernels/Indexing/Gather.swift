/// Gather: picks slices along `axis` by index (negative indices count from the end).
public struct Gather: OpKernel {
    public static let sinceVersions = [1, 11, 13]
    let axis: Int

    public init(_ node: NodeContext) throws { axis = try node.int("axis", default: 0) }

    public static func apply(_ x: Tensor, _ indices: Tensor, axis: Int) throws(KernelError) -> Tensor {
        guard x.rank > 0 else { throw KernelError("data must have rank >= 1") }
        let a = try Shapes.axis(axis, rank: x.rank)
        let n = x.shape[a]
        var idx = try indices.intValues()
        for i in 0..<idx.count {
            if idx[i] < 0 { idx[i] += n }
            guard idx[i] >= 0 && idx[i] < n else { throw KernelError("index \(idx[i] < 0 ? idx[i] - n : idx[i]) is out of range for axis \(axis) of size \(n)") }
        }
        let outer = Tensor.elementCount(Array(x.shape[0..<a])), inner = Tensor.elementCount(Array(x.shape[(a + 1)...]))
        let shape = Array(x.shape[0..<a]) + indices.shape + Array(x.shape[(a + 1)...])
        var flat: [Int] = []
        flat.reserveCapacity(outer * idx.count * inner)
        for o in 0..<outer {
            for j in idx {
                let base = (o * n + j) * inner
                for i in 0..<inner { flat.append(base + i) }
            }
        }
        return try Movement.gather(x, indices: flat, shape: shape)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Gather.apply(try inputs.tensor(0), try inputs.tensor(1), axis: axis))]
    }
}
