#if canImport(Glibc)
import Glibc
#endif

/// Mod: remainder with broadcasting. `fmod=0`: the sign of the divisor (Python `%`, floor);
/// `fmod=1`: the sign of the dividend (C `fmod`). Division by zero gives 0 for integers, NaN for floats.
public struct Mod: OpKernel {
    public static let sinceVersions = [10, 13, 28]
    let fmod: Bool

    struct F: BinaryFloatFunction, BinaryIntFunction {
        let fmod: Bool
        @inline(__always) func callAsFunction<T: FloatElement>(_ a: T, _ b: T) -> T {
            let r = T.fmod(a, b)
            if fmod || r.isNaN { return r }
            if r == 0 { return b.sign == .minus ? -T.zero : T.zero }
            if (r < 0) != (b < 0) { return r + b }
            return r
        }
        @inline(__always) func callAsFunction<T: IntElement>(_ a: T, _ b: T) -> T {
            if b == 0 { return 0 }
            let r = a.remainderReportingOverflow(dividingBy: b).partialValue
            if fmod { return r }
            if r != 0 && (r < 0) != (b < 0) { return r &+ b }
            return r
        }
    }

    public init(_ node: NodeContext) throws { fmod = try node.int("fmod", default: 0) != 0 }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.binary(try inputs.tensor(0), try inputs.tensor(1), numeric: F(fmod: fmod), op: "Mod"))]
    }
}
