/// IsNaN: true where x is NaN.
public struct IsNaN: OpKernel {
    public static let sinceVersions = [9, 13, 20]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        switch x.dtype {
        case .float: return [.tensor(Elementwise.map(x, to: .bool, Float.self, Bool.self) { $0.isNaN })]
        case .double: return [.tensor(Elementwise.map(x, to: .bool, Double.self, Bool.self) { $0.isNaN })]
        case let t where t.isReducedFloat:
            return [.tensor(Elementwise.map(try Cast.convert(x, to: .float), to: .bool, Float.self, Bool.self) { $0.isNaN })]
        default: throw KernelError("input 0 must be a float tensor, got \(x.dtype.name)")
        }
    }
}
