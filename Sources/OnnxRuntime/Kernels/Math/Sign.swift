/// Sign: -1, 0 or 1 by the sign of x (NaN stays NaN).
public struct Sign: OpKernel {
    public static let sinceVersions = [9, 13]

    struct F: FloatFunction, IntFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x.isNaN ? x : (x > 0 ? 1 : (x < 0 ? -1 : 0)) }
        @inline(__always) func callAsFunction<T: IntElement>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? 0 &- 1 : 0) }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unary(try inputs.tensor(0), numeric: F(), op: "Sign"))]
    }
}
