/// Concat: joins tensors along `axis` (all other dims equal).
public struct Concat: OpKernel {
    public static let sinceVersions = [1, 4, 11, 13]
    let axis: Int

    public init(_ node: NodeContext) throws { axis = try node.int("axis", default: node.sinceVersion < 4 ? 1 : 0) }

    public static func apply(_ parts: [Tensor], axis: Int) throws(KernelError) -> Tensor {
        guard let first = parts.first else { throw KernelError("needs at least one input") }
        let rank = first.rank
        let a = try Shapes.axis(axis, rank: rank)
        var shape = first.shape
        shape[a] = 0
        for (k, p) in parts.enumerated() {
            guard p.dtype == first.dtype else { throw KernelError("input \(k) is \(p.dtype.name), input 0 is \(first.dtype.name)") }
            guard p.rank == rank else { throw KernelError("input \(k) has shape \(shapeText(p.shape)), input 0 has \(shapeText(first.shape))") }
            for d in 0..<rank where d != a && p.shape[d] != first.shape[d] {
                throw KernelError("input \(k) has shape \(shapeText(p.shape)), input 0 has \(shapeText(first.shape)) (must match except on axis \(a))")
            }
            shape[a] += p.shape[a]
        }
        let outer = Tensor.elementCount(Array(shape[0..<a]))
        let inner = Tensor.elementCount(Array(shape[(a + 1)...]))
        return try Movement.interleave(parts, blocks: parts.map { $0.shape[a] * inner }, outer: outer, dtype: first.dtype, shape: shape)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var parts: [Tensor] = []
        for i in 0..<inputs.count { parts.append(try inputs.tensor(i)) }
        return [.tensor(try Concat.apply(parts, axis: axis))]
    }
}
