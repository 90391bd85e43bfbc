/// Celu: y = max(0, x) + min(0, alpha * (e^(x/alpha) - 1)).
public struct Celu: OpKernel {
    public static let sinceVersions = [12, 28]
    let f: F

    struct F: FloatFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { Swift.max(0, x) + Swift.min(0, T(alpha) * T.expm1(x / T(alpha))) }
        var fastLoop: FastLoop? { .celu(alpha: Float(alpha)) }
    }

    public init(_ node: NodeContext) throws {
        f = F(alpha: Double(try node.float("alpha", default: 1)))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), f, op: "Celu"))]
    }
}
