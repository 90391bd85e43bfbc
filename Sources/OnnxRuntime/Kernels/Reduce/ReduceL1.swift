/// ReduceL1: the sum of |x| over `axes` (all dims by default). Axes are an attribute before opset 18, an input after.
public struct ReduceL1: OpKernel {
    public static let sinceVersions = [1, 11, 13, 18]
    let kernel: ReduceKernel

    public init(_ node: NodeContext) throws {
        kernel = ReduceKernel(spec: try ReduceSpec(node, axesInputSince: 18), op: .l1)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] { try kernel.run(inputs) }
}
