/// Sigmoid: y = 1 / (1 + e^-x).
public struct Sigmoid: OpKernel {
    public static let sinceVersions = [1, 6, 13]

    struct F: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { 1 / (1 + T.vexp(-x)) }
        var fastLoop: FastLoop? { .sigmoid }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), F(), op: "Sigmoid"))]
    }
}
