/// Sum: element-wise sum of all inputs, with broadcasting.
public struct Sum: OpKernel {
    public static let sinceVersions = [1, 6, 8, 13]

    struct F: BinaryFloatFunction, BinaryIntFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ a: T, _ b: T) -> T { a + b }
        @inline(__always) func callAsFunction<T: IntElement>(_ a: T, _ b: T) -> T { a &+ b }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Variadic.fold(inputs, F(), op: "Sum"))]
    }
}
