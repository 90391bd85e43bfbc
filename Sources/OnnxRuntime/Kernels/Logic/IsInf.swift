/// IsInf: true where x is +Inf (`detect_positive`) or -Inf (`detect_negative`).
public struct IsInf: OpKernel {
    public static let sinceVersions = [10, 20]
    let positive: Bool
    let negative: Bool

    public init(_ node: NodeContext) throws {
        positive = try node.int("detect_positive", default: 1) != 0
        negative = try node.int("detect_negative", default: 1) != 0
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        var x = try inputs.tensor(0)
        if x.dtype.isReducedFloat { x = try Cast.convert(x, to: .float) }
        let (p, n) = (positive, negative)
        switch x.dtype {
        case .float: return [.tensor(Elementwise.map(x, to: .bool, Float.self, Bool.self) { $0.isInfinite && ($0 > 0 ? p : n) })]
        case .double: return [.tensor(Elementwise.map(x, to: .bool, Double.self, Bool.self) { $0.isInfinite && ($0 > 0 ? p : n) })]
        default: throw KernelError("input 0 must be a float tensor, got \(x.dtype.name)")
        }
    }
}
