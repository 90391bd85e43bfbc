/// SequenceAt: the tensor at `position`.
public struct SequenceAt: OpKernel {
    public static let sinceVersions = [11]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let s = try inputs.sequence(0)
        let p = try SequencePosition.resolve(try inputs.tensor(1), count: s.elements.count, inserting: false)
        return [s.elements[p]]
    }
}
