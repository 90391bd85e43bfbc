/// Log: y = ln(x).
public struct Log: OpKernel {
    public static let sinceVersions = [1, 6, 13]

    struct F: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { T.vlog(x) }
        var fastLoop: FastLoop? { .log }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), F(), op: "Log"))]
    }
}
