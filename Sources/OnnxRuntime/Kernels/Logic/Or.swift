/// Or: logical a || b on bool tensors, with broadcasting.
public struct Or: OpKernel {
    public static let sinceVersions = [1, 7]
    let legacy: LegacyBroadcast

    public init(_ node: NodeContext) throws { legacy = try LegacyBroadcast(node) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (a, b) = try legacy.align(try inputs.tensor(0), try inputs.tensor(1))
        guard a.dtype == .bool, b.dtype == .bool else { throw KernelError("inputs must be bool, got \(a.dtype.name) and \(b.dtype.name)") }
        return [.tensor(try Elementwise.binary(a, b, to: .bool, Bool.self, Bool.self, Bool.self) { $0 || $1 })]
    }
}
