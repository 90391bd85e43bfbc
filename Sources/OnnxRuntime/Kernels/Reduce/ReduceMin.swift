/// ReduceMin: the minimum (NaN propagates; +inf / the type maximum when empty) over `axes` (all dims by default). Axes are an attribute before opset 18, an input after.
public struct ReduceMin: OpKernel {
    public static let sinceVersions = [1, 11, 12, 13, 18, 20]
    let kernel: ReduceKernel

    public init(_ node: NodeContext) throws {
        kernel = ReduceKernel(spec: try ReduceSpec(node, axesInputSince: 18), op: .min)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] { try kernel.run(inputs) }
}
