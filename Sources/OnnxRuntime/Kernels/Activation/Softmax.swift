/// Softmax along `axis` (opset < 13: over the input flattened to 2-D at `axis`).
public struct Softmax: OpKernel {
    public static let sinceVersions = [1, 11, 13]
    let kernel: SoftmaxFamily

    public init(_ node: NodeContext) throws { kernel = try SoftmaxFamily(node, kind: .softmax) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] { try kernel.run(inputs) }
}
