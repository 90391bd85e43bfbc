/// Selu: y = gamma * x for x > 0, gamma * alpha * (e^x - 1) otherwise.
public struct Selu: OpKernel {
    public static let sinceVersions = [1, 6, 22]
    let f: F

    struct F: FloatFunction {
        let alpha: Double
        let gamma: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x > 0 ? T(gamma) * x : T(gamma) * T(alpha) * T.expm1(x) }
        var fastLoop: FastLoop? { .selu(alpha: Float(alpha), gamma: Float(gamma)) }
    }

    public init(_ node: NodeContext) throws {
        f = F(alpha: Double(try node.float("alpha", default: 1.67326319217681884765625)), gamma: Double(try node.float("gamma", default: 1.05070102214813232421875)))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), f, op: "Selu"))]
    }
}
