/// ScatterElements: a copy of data with updates written at the positions `indices` give along
/// `axis`, combined by `reduction` (none, add, mul from opset 16; max, min from opset 18).
public struct ScatterElements: OpKernel {
    public static let sinceVersions = [11, 13, 16, 18]
    let axis: Int
    let reduction: String

    public init(_ node: NodeContext) throws {
        axis = try node.int("axis", default: 0)
        reduction = try node.string("reduction", default: "none")
        guard ["none", "add", "mul", "max", "min"].contains(reduction) else { throw KernelError("reduction '\(reduction)' is not none, add, mul, max or min") }
    }

    static func apply(_ x: Tensor, _ indices: Tensor, _ updates: Tensor, axis: Int, reduction: String) throws(KernelError) -> Tensor {
        guard updates.shape == indices.shape else { throw KernelError("updates \(shapeText(updates.shape)) and indices \(shapeText(indices.shape)) differ") }
        guard updates.dtype == x.dtype else { throw KernelError("updates are \(updates.dtype.name), data is \(x.dtype.name)") }
        let a = try Shapes.axis(axis, rank: x.rank)
        let flat = try GatherElements.flatIndices(x.shape, indices, axis: a)
        return try Movement.scatter(x, indices: flat, updates: updates, reduction: reduction)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try ScatterElements.apply(try inputs.tensor(0), try inputs.tensor(1), try inputs.tensor(2), axis: axis, reduction: reduction))]
    }
}
