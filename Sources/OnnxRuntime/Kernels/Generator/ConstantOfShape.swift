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
        switch value.dtype.storageSize {
        // A plain fill: the light models of the onnx wheel make every weight this way, each run.
        case 1?: return [.tensor(ConstantOfShape.fill(value, shape, UInt8.self))]
        case 2?: return [.tensor(ConstantOfShape.fill(value, shape, UInt16.self))]
        case 4?: return [.tensor(ConstantOfShape.fill(value, shape, UInt32.self))]
        case 8?: return [.tensor(ConstantOfShape.fill(value, shape, UInt64.self))]
        default:
            return [.tensor(try Movement.strided(value, offset: 0, strides: [Int](repeating: 0, count: shape.count), shape: shape))]
        }
    }

    /// `shape` filled with the bits of `value`'s one element, `T` being its storage width.
    static func fill<T: FixedWidthInteger>(_ value: Tensor, _ shape: [Int], _: T.Type) -> Tensor {
        let bits = value.withUnsafeBuffer(as: T.self) { $0[0] }
        return Tensor.make(value.dtype, shape, as: T.self) { $0.update(repeating: bits) }
    }
}
