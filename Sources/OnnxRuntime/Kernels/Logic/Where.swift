/// Where: condition ? x : y element-wise, all three broadcast.
public struct Where: OpKernel {
    public static let sinceVersions = [9, 16]

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let c = try inputs.tensor(0), x = try inputs.tensor(1), y = try inputs.tensor(2)
        guard c.dtype == .bool else { throw KernelError("condition must be bool, got \(c.dtype.name)") }
        guard x.dtype == y.dtype else { throw KernelError("X is \(x.dtype.name), Y is \(y.dtype.name)") }
        struct V: StorageVisitor {
            let c: Tensor, x: Tensor, y: Tensor
            func visit<T>(_: T.Type) throws(KernelError) -> Tensor {
                try Elementwise.ternary(c, x, y, to: x.dtype, Bool.self, T.self, T.self, T.self) { $0 ? $1 : $2 }
            }
        }
        return [.tensor(try x.dtype.visitStorage(V(c: c, x: x, y: y)))]
    }
}
