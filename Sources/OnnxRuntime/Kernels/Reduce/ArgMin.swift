/// ArgMin: index of the smallest value along `axis`.
public struct ArgMin: OpKernel {
    public static let sinceVersions = [1, 11, 12, 13]
    let kernel: ArgReduce

    public init(_ node: NodeContext) throws { kernel = try ArgReduce(node, isMax: false) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] { try kernel.run(inputs) }
}
