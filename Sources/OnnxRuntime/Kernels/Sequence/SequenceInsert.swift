/// SequenceInsert: the sequence with a tensor inserted at `position` (default: appended).
public struct SequenceInsert: OpKernel {
    public static let sinceVersions = [11]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var s = try inputs.sequence(0)
        let t = try inputs.tensor(1)
        if let et = s.elementType, et != t.dtype, !s.elements.isEmpty { throw KernelError("cannot insert \(t.dtype.name) into a sequence of \(et.name)") }
        let p = try SequencePosition.resolve(try inputs.optionalTensor(2), count: s.elements.count, inserting: true)
        s.elements.insert(.tensor(t), at: p)
        s.elementType = t.dtype
        return [.sequence(s)]
    }
}
