/// Size: the number of elements, as an int64 scalar.
public struct Size: OpKernel {
    public static let sinceVersions = [1, 13, 19, 21, 23, 24, 25]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(.scalar(Int64(try inputs.tensor(0).count)))]
    }
}
