/// Gelu: x * Phi(x), exactly with erf (`approximate="none"`) or with the tanh approximation.
public struct Gelu: OpKernel {
    public static let sinceVersions = [20]
    let tanhApprox: Bool

    struct Exact: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
            T(0.5) * x * (1 + T.verf(x * T(0.7071067811865476)))
        }
        var fastLoop: FastLoop? { .gelu }
    }
    struct Tanh: FloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T {
            T(0.5) * x * (1 + T.vtanh(T(0.7978845608028654) * (x + T(0.044715) * x * x * x)))
        }
        var fastLoop: FastLoop? { .geluTanh }
    }

    public init(_ node: NodeContext) throws {
        let a = try node.string("approximate", default: "none")
        guard a == "none" || a == "tanh" else { throw KernelError("approximate must be none or tanh, got '\(a)'") }
        tanhApprox = a == "tanh"
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        return [.tensor(tanhApprox ? try Dispatch.unaryFloat(x, Tanh(), op: "Gelu") : try Dispatch.unaryFloat(x, Exact(), op: "Gelu"))]
    }
}
