/// Swish: x * sigmoid(alpha * x).
public struct Swish: OpKernel {
    public static let sinceVersions = [24]
    let f: F

    struct F: FloatFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x / (1 + T.vexp(-T(alpha) * x)) }
    }

    public init(_ node: NodeContext) throws { f = F(alpha: Double(try node.float("alpha", default: 1))) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), f, op: "Swish"))]
    }
}
