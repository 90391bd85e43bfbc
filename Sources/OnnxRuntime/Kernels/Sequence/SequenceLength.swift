/// SequenceLength: the number of tensors, as an int64 scalar.
public struct SequenceLength: OpKernel {
    public static let sinceVersions = [11]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(.scalar(Int64(try inputs.sequence(0).elements.count)))]
    }
}
