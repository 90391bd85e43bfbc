/// BitShift: x << y or x >> y (arithmetic for signed types, opset 28); shifts outside [0, bits)
/// give what the sign extension alone gives.
public struct BitShift: OpKernel {
    public static let sinceVersions = [11, 28]
    let left: Bool

    struct F: BinaryIntFunction {
        let left: Bool
        @inline(__always) func callAsFunction<T: IntElement>(_ a: T, _ b: T) -> T {
            if b < 0 || b >= T(truncatingIfNeeded: T.bitWidth) {
                return left ? 0 : (T.isSigned && a < 0 ? 0 &- 1 : 0)
            }
            return left ? a &<< b : a &>> b
        }
    }

    public init(_ node: NodeContext) throws {
        let d = try node.required("direction") { (n: String) throws(KernelError) in try node.string(n) }
        guard d == "LEFT" || d == "RIGHT" else { throw KernelError("direction must be LEFT or RIGHT, got '\(d)'") }
        left = d == "LEFT"
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.binaryInt(try inputs.tensor(0), try inputs.tensor(1), F(left: left), op: "BitShift"))]
    }
}
