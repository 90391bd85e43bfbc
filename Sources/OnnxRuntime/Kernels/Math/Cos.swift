/// Cos: y = cos(x).
public struct Cos: OpKernel {
    public static let sinceVersions = [7, 22]

    struct F: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { T.cos(x) }
        var fastLoop: FastLoop? { .cos }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), F(), op: "Cos"))]
    }
}
