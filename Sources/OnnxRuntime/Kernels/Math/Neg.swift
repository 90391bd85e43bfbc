/// Neg: y = -x.
public struct Neg: OpKernel {
    public static let sinceVersions = [1, 6, 13]

    struct F: FloatFunction, IntFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { -x }
        @inline(__always) func callAsFunction<T: IntElement>(_ x: T) -> T { 0 &- x }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unary(try inputs.tensor(0), numeric: F(), op: "Neg"))]
    }
}
