/// OptionalHasElement: whether the optional (or an optional input) holds a value.
public struct OptionalHasElement: OpKernel {
    public static let sinceVersions = [15, 18]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let has: Bool
        switch inputs.first ?? nil {
        case nil: has = false
        case .optional(let v)?: has = v != nil
        default: has = true
        }
        return [.tensor(.scalar(has))]
    }
}
