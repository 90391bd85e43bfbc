/// Optional: an optional holding the input, or an empty optional when there is none.
/// (Named OptionalOp so it does not shadow Swift's Optional.)
public struct OptionalOp: OpKernel {
    public static let opType = "Optional"
    public static let sinceVersions = [15]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        guard let v = inputs.first ?? nil else { return [.optional(nil)] }
        return [.optional(v)]
    }
}
