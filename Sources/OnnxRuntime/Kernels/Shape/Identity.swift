/// Identity: the input, unchanged (tensors, sequences and optionals).
public struct Identity: OpKernel {
    public static let sinceVersions = [1, 13, 14, 16, 19, 21, 23, 24, 25]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [try inputs.value(0)]
    }
}
