/// LogSoftmax along `axis` (opset < 13: over the input flattened to 2-D at `axis`).
public struct LogSoftmax: OpKernel {
    public static let sinceVersions = [1, 11, 13]
    let kernel: SoftmaxFamily

    public init(_ node: NodeContext) throws { kernel = try SoftmaxFamily(node, kind: .logSoftmax) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] { try kernel.run(inputs) }
}
