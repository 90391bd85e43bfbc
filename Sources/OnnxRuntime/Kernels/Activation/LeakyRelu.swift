/// LeakyRelu: y = x for x >= 0, alpha * x otherwise.
public struct LeakyRelu: OpKernel {
    public static let sinceVersions = [1, 6, 16]
    let f: F

    struct F: FloatFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x >= 0 ? x : T(alpha) * x }
    }

    public init(_ node: NodeContext) throws {
        f = F(alpha: Double(try node.float("alpha", default: 0.01)))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), f, op: "LeakyRelu"))]
    }
}
