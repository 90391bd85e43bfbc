import OnnxModel

/// Any ONNX runtime value: a tensor, a sequence, a map or an optional.
public indirect enum Value: Sendable {
    case tensor(Tensor)
    case sequence(SequenceValue)
    case map(MapValue)
    /// `nil`: an optional holding nothing.
    case optional(Value?)

    public var tensor: Tensor? { if case let .tensor(t) = self { return t }; return nil }

    /// "tensor float32[2,3]", "sequence of 3", "map", "optional(none)".
    public var kindText: String {
        switch self {
        case let .tensor(t): return "tensor \(t)"
        case let .sequence(s): return "sequence of \(s.elements.count)"
        case .map: return "map"
        case let .optional(v): return v.map { "optional(\($0.kindText))" } ?? "optional(none)"
        }
    }

    /// Bytes held by this value's storage.
    public var byteCount: Int {
        @inline(__always) get {
            // The tensor case reads one stored field in place (no copy of the tensor, as long as
            // no call follows the match); the others are rare and out of line.
            if case let .tensor(t) = self { return t.byteCount }
            return containerByteCount
        }
    }

    @inline(never)
    var containerByteCount: Int {
        switch self {
        case let .tensor(t): return t.byteCount
        case let .sequence(s): return s.elements.reduce(0) { $0 + $1.byteCount }
        case let .map(m): return m.keys.byteCount + m.values.reduce(0) { $0 + $1.byteCount }
        case let .optional(v): return v?.byteCount ?? 0
        }
    }

    /// Every tensor inside this value (the value itself, sequence elements, map values...).
    public var tensors: [Tensor] {
        switch self {
        case let .tensor(t): return [t]
        case let .sequence(s): return s.elements.flatMap(\.tensors)
        case let .map(m): return [m.keys] + m.values.flatMap(\.tensors)
        case let .optional(v): return v?.tensors ?? []
        }
    }
}

public struct SequenceValue: Sendable {
    public var elements: [Value]
    /// Element dtype when known (needed for empty sequences).
    public var elementType: DataType?
    public init(_ elements: [Value], elementType: DataType? = nil) {
        self.elements = elements
        self.elementType = elementType ?? elements.first?.tensor?.dtype
    }
}

/// A map (ai.onnx.ml ZipMap and friends): keys (1-D int64 or string tensor) and one value per key.
public struct MapValue: Sendable {
    public var keys: Tensor
    public var values: [Value]
    public init(keys: Tensor, values: [Value]) {
        self.keys = keys
        self.values = values
    }
}
