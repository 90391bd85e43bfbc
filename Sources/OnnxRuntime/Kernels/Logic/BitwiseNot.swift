/// BitwiseNot: ~x on integer tensors.
public struct BitwiseNot: OpKernel {
    public static let sinceVersions = [18]

    struct F: IntFunction, FloatFunction {
        @inline(__always) func callAsFunction<T: IntElement>(_ x: T) -> T { ~x }
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype.isInteger else { throw KernelError("input 0 must be an integer tensor, got \(x.dtype.name)") }
        return [.tensor(try Dispatch.unary(x, numeric: F(), op: "BitwiseNot"))]
    }
}
