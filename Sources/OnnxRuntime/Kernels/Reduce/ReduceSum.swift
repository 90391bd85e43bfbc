/// ReduceSum: the sum over `axes` (all dims by default). Axes are an attribute before opset 13, an input after.
public struct ReduceSum: OpKernel {
    public static let sinceVersions = [1, 11, 13]
    let kernel: ReduceKernel

    public init(_ node: NodeContext) throws {
        kernel = ReduceKernel(spec: try ReduceSpec(node, axesInputSince: 13), op: .sum)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] { try kernel.run(inputs) }
}
