/// SequenceConstruct: a sequence of the input tensors.
public struct SequenceConstruct: OpKernel {
    public static let sinceVersions = [11]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var items: [Value] = []
        for i in 0..<inputs.count { items.append(.tensor(try inputs.tensor(i))) }
        return [.sequence(SequenceValue(items))]
    }
}
