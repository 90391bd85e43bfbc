/// Erf: Gauss error function.
public struct Erf: OpKernel {
    public static let sinceVersions = [9, 13]

    struct F: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { T.verf(x) }
        var fastLoop: FastLoop? { .erf }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), F(), op: "Erf"))]
    }
}
