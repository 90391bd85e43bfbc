/// Elu: y = x for x > 0, alpha * (e^x - 1) otherwise.
public struct Elu: OpKernel {
    public static let sinceVersions = [1, 6, 22]
    let f: F

    struct F: FloatFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x > 0 ? x : T(alpha) * T.expm1(x) }
        var fastLoop: FastLoop? { .elu(alpha: Float(alpha)) }
    }

    public init(_ node: NodeContext) throws {
        f = F(alpha: Double(try node.float("alpha", default: 1)))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), f, op: "Elu"))]
    }
}
