/// ConcatFromSequence: concatenates the tensors along `axis`, or stacks them on a new axis (`new_axis=1`).
public struct ConcatFromSequence: OpKernel {
    public static let sinceVersions = [11]
    let axis: Int
    let newAxis: Bool

    public init(_ node: NodeContext) throws {
        axis = try node.required("axis") { (n: String) throws(KernelError) in try node.int(n) }
        newAxis = try node.int("new_axis", default: 0) != 0
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let s = try inputs.sequence(0)
        var parts: [Tensor] = []
        for v in s.elements {
            guard let t = v.tensor else { throw KernelError("sequence elements must be tensors") }
            parts.append(t)
        }
        guard let first = parts.first else { throw KernelError("cannot concatenate an empty sequence") }
        if newAxis {
            let a = try Shapes.axis(axis, rank: first.rank + 1)
            parts = parts.map { t in var sh = t.shape; sh.insert(1, at: min(a, sh.count)); return t.reshaped(sh) }
            return [.tensor(try Concat.apply(parts, axis: a))]
        }
        return [.tensor(try Concat.apply(parts, axis: axis))]
    }
}
