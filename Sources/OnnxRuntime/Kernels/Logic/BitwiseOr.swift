/// BitwiseOr: a | b on integer tensors, with broadcasting.
public struct BitwiseOr: OpKernel {
    public static let sinceVersions = [18]

    struct F: BinaryIntFunction {
        @inline(__always) func callAsFunction<T: IntElement>(_ a: T, _ b: T) -> T { a | b }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.binaryInt(try inputs.tensor(0), try inputs.tensor(1), F(), op: "BitwiseOr"))]
    }
}
