/// Not: logical negation of a bool tensor.
public struct Not: OpKernel {
    public static let sinceVersions = [1]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.dtype == .bool else { throw KernelError("input 0 must be bool, got \(x.dtype.name)") }
        return [.tensor(Elementwise.map(x, to: .bool, Bool.self, Bool.self) { !$0 })]
    }
}
