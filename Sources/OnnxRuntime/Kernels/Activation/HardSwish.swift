/// HardSwish: y = x * max(0, min(1, x/6 + 1/2)).
public struct HardSwish: OpKernel {
    public static let sinceVersions = [14, 22]

    struct F: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x * Swift.max(0, Swift.min(1, x / 6 + T(0.5))) }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), F(), op: "HardSwish"))]
    }
}
