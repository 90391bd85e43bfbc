/// Mean: element-wise mean of all inputs, with broadcasting.
public struct Mean: OpKernel {
    public static let sinceVersions = [1, 6, 8, 13]

    struct Scale: FloatFunction {
        let n: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x / T(n) }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let sum = try Variadic.fold(inputs, Sum.F(), op: "Mean")
        return [.tensor(try Dispatch.unaryFloat(sum, Scale(n: Double(inputs.count)), op: "Mean"))]
    }
}
