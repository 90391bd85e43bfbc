/// Expand: broadcasts the input to a shape (bidirectionally, like numpy `x * ones(shape)`).
public struct Expand: OpKernel {
    public static let sinceVersions = [8, 13]

    public init(_ node: NodeContext) throws {}

    public static func apply(_ x: Tensor, to spec: [Int]) throws(KernelError) -> Tensor {
        let shape = try Shapes.broadcast(x.shape, spec)
        if shape == x.shape { return x }
        return try Movement.strided(x, offset: 0, strides: Shapes.broadcastStrides(x.shape, to: shape), shape: shape)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let spec = try Shapes.checked(try inputs.tensor(1).intValues())
        return [.tensor(try Expand.apply(x, to: spec))]
    }
}
