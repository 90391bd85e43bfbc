/// OptionalGetElement: the value inside an optional (a plain tensor or sequence passes through).
public struct OptionalGetElement: OpKernel {
    public static let sinceVersions = [15, 18]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        switch try inputs.value(0) {
        case let .optional(v):
            guard let v else { throw KernelError("the optional is empty") }
            return [v]
        case let v:
            return [v]
        }
    }
}
