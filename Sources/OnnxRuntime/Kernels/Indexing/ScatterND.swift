/// ScatterND: a copy of data with update slices written at the index tuples of `indices`,
/// combined by `reduction` (none, add, mul; max, min from opset 18).
public struct ScatterND: OpKernel {
    public static let sinceVersions = [11, 13, 16, 18]
    let reduction: String

    public init(_ node: NodeContext) throws {
        reduction = try node.string("reduction", default: "none")
        guard ["none", "add", "mul", "max", "min"].contains(reduction) else { throw KernelError("reduction '\(reduction)' is not none, add, mul, max or min") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0), indices = try inputs.tensor(1), updates = try inputs.tensor(2)
        guard updates.dtype == x.dtype else { throw KernelError("updates are \(updates.dtype.name), data is \(x.dtype.name)") }
        let p = try GatherND.plan(x.shape, indices, batchDims: 0)
        guard updates.shape == p.outShape else { throw KernelError("updates have shape \(shapeText(updates.shape)), expected \(shapeText(p.outShape))") }
        var flat: [Int] = []
        for o in p.offsets { for i in 0..<p.slice { flat.append(o + i) } }
        return [.tensor(try Movement.scatter(x, indices: flat, updates: updates, reduction: reduction))]
    }
}
