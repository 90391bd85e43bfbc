/// Scatter (deprecated in opset 11): ScatterElements without reduction.
public struct Scatter: OpKernel {
    public static let sinceVersions = [9, 11]
    let axis: Int

    public init(_ node: NodeContext) throws { axis = try node.int("axis", default: 0) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try ScatterElements.apply(try inputs.tensor(0), try inputs.tensor(1), try inputs.tensor(2), axis: axis, reduction: "none"))]
    }
}
