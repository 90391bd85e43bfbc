/// Pow: x ^ y with broadcasting. The exponent may have another type than the base; the result
/// has the base's type (like numpy `power(x, y).astype(x.dtype)`).
public struct Pow: OpKernel {
    public static let sinceVersions = [1, 7, 12, 13, 15]
    let legacy: LegacyBroadcast

    struct F: BinaryFloatFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ a: T, _ b: T) -> T { T.pow(a, b) }
    }

    public init(_ node: NodeContext) throws { legacy = try LegacyBroadcast(node) }

    static func intPow(_ a: Int64, _ e: Int64) -> Int64 {
        if e < 0 { return a == 1 ? 1 : (a == -1 ? (e & 1 == 0 ? 1 : -1) : 0) }
        var result: Int64 = 1, base = a, e = e
        while e > 0 {
            if e & 1 == 1 { result = result &* base }
            base = base &* base
            e >>= 1
        }
        return result
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (x, y) = try legacy.align(try inputs.tensor(0), try inputs.tensor(1))
        if x.dtype == .float && y.dtype == .float && y.count == 1, let r = try Pow.smallPower(x, y) { return [.tensor(r)] }
        if x.dtype == y.dtype && (x.dtype == .float || x.dtype == .double || x.dtype.isReducedFloat) {
            return [.tensor(try Dispatch.binaryFloat(x, y, F(), op: "Pow"))]
        }
        if x.dtype.isInteger && y.dtype.isInteger {
            let a = try Cast.convert(x, to: .int64), b = try Cast.convert(y, to: .int64)
            let r = try Elementwise.binary(a, b, to: .int64, Int64.self, Int64.self, Int64.self) { Pow.intPow($0, $1) }
            return [.tensor(try Cast.convert(r, to: x.dtype))]
        }
        guard (x.dtype.isInteger || x.dtype.isFloatingPoint) && (y.dtype.isInteger || y.dtype.isFloatingPoint) else {
            throw KernelError.unsupported("Pow of \(x.dtype.name) by \(y.dtype.name) is not supported")
        }
        let a = try Cast.convert(x, to: .double), b = try Cast.convert(y, to: .double)
        let r = try Elementwise.binary(a, b, to: .double, Double.self, Double.self, Double.self) { Double.pow($0, $1) }
        return [.tensor(try Cast.convert(r, to: x.dtype))]
    }

    /// x^2 and x^3 as products (GPT-2's tanh Gelu cubes every activation: powf per element took
    /// 7% of a run). Within 2 ulp of powf, with the same NaN, infinity and signed-zero results.
    static func smallPower(_ x: Tensor, _ y: Tensor) throws(KernelError) -> Tensor? {
        let e = y.withUnsafeBuffer(as: Float.self) { $0[0] }
        guard e == 2 || e == 3 else { return nil }
        let shape = try Shapes.broadcast(x.shape, y.shape)
        return x.withUnsafeBuffer(as: Float.self) { src in
            Tensor.make(.float, shape, as: Float.self) { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                if e == 2 {
                    for i in 0..<src.count { d[i] = s[i] * s[i] }
                } else {
                    for i in 0..<src.count { d[i] = s[i] * s[i] * s[i] }
                }
            }
        }
    }
}
