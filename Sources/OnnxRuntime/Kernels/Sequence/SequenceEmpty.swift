import OnnxModel

/// SequenceEmpty: an empty sequence of tensors of `dtype` (default float32).
public struct SequenceEmpty: OpKernel {
    public static let sinceVersions = [11]
    let dtype: DataType

    public init(_ node: NodeContext) throws {
        let code = try node.int("dtype", default: Int(DataType.float.rawValue))
        guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)) else { throw KernelError("dtype \(code) is not a known type") }
        dtype = t
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.sequence(SequenceValue([], elementType: dtype))]
    }
}
