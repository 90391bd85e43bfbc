/// HardSigmoid: y = max(0, min(1, alpha * x + beta)).
public struct HardSigmoid: OpKernel {
    public static let sinceVersions = [1, 6, 22]
    let f: F

    struct F: FloatFunction {
        let alpha: Double
        let beta: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { Swift.max(0, Swift.min(1, T(alpha) * x + T(beta))) }
    }

    public init(_ node: NodeContext) throws {
        f = F(alpha: Double(try node.float("alpha", default: 0.2)), beta: Double(try node.float("beta", default: 0.5)))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), f, op: "HardSigmoid"))]
    }
}
