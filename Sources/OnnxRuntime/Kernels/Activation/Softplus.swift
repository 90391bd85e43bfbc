/// Softplus: y = ln(1 + e^x).
public struct Softplus: OpKernel {
    public static let sinceVersions = [1, 22]

    struct F: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x > 0 ? x + T.log1p(T.exp(-x)) : T.log1p(T.exp(x)) }
        var fastLoop: FastLoop? { .softplus }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), F(), op: "Softplus"))]
    }
}
