/// Relu: y = max(0, x).
public struct Relu: OpKernel {
    public static let sinceVersions = [1, 6, 13, 14]

    struct F: FloatFunction, IntFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x < 0 ? 0 : x }
        @inline(__always) func callAsFunction<T: IntElement>(_ x: T) -> T { x > 0 ? x : 0 }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unary(try inputs.tensor(0), numeric: F(), op: "Relu"))]
    }
}
