/// ConstantOfShape: a tensor of the given shape filled with `value` (default float32 0).
public struct ConstantOfShape: OpKernel {
    public static let sinceVersions = [9, 20, 21, 23, 24, 25]
    let value: Tensor

    public init(_ node: NodeContext) throws {
        let v = try node.tensor("value") ?? .scalar(Float(0))
        guard v.count == 1 else { throw KernelError("attribute 'value' must hold one element, got \(v.count)") }
        value = v
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let shape = try Shapes.checked(try inputs.tensor(0).intValues())
        return [.tensor(try Movement.strided(value, offset: 0, strides: [Int](repeating: 0, count: shape.count), shape: shape))]
    }
}
