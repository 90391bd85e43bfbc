/// A value of any ONNX kind as stored in test data files (`TensorProto`, or onnx-data.proto's
/// `SequenceProto`, `MapProto`, `OptionalProto`).
public indirect enum DataValue: Sendable {
    case tensor(TensorData)
    case sparseTensor(SparseTensorData)
    /// `elemType` is SequenceProto.DataType (1 tensor, 2 sparse, 3 sequence, 4 map, 5 optional).
    case sequence(elemType: Int32, [DataValue])
    case map(keyType: Int32, intKeys: [Int64], stringKeys: [[UInt8]], values: DataValue?)
    /// `nil` payload: the optional holds nothing.
    case optional(elemType: Int32, DataValue?)
}

/// What a `.pb` data file holds, chosen from the graph input/output type it belongs to.
public enum DataValueKind: Sendable {
    case tensor, sparseTensor, sequence, map, optional

    public init(_ type: TypeInfo?) {
        switch type?.kind {
        case .sequence?: self = .sequence
        case .map?: self = .map
        case .optional?: self = .optional
        case .sparseTensor?: self = .sparseTensor
        default: self = .tensor
        }
    }
}
