/// SequenceErase: the sequence without the tensor at `position` (default: the last).
public struct SequenceErase: OpKernel {
    public static let sinceVersions = [11]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var s = try inputs.sequence(0)
        guard !s.elements.isEmpty else { throw KernelError("cannot erase from an empty sequence") }
        let p = try SequencePosition.resolve(try inputs.optionalTensor(1), count: s.elements.count, inserting: false)
        s.elements.remove(at: p)
        return [.sequence(s)]
    }
}
