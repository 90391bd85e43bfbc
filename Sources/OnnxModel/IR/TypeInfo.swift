/// `TypeProto`: the type of a value (tensor, sequence, map, optional, sparse tensor, opaque).
public struct TypeInfo: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case none
        case tensor(elemType: Int32, shape: TensorShape?)
        case sparseTensor(elemType: Int32, shape: TensorShape?)
        case sequence(TypeInfo?)
        case map(keyType: Int32, value: TypeInfo?)
        case optional(TypeInfo?)
        case opaque(domain: String, name: String)
    }
    public var kind: Kind
    public var denotation = ""

    public init(_ kind: Kind, denotation: String = "") {
        self.kind = kind
        self.denotation = denotation
    }

    public static func tensor(_ type: DataType, _ dims: [Dim.Value]?) -> TypeInfo {
        TypeInfo(.tensor(elemType: type.rawValue, shape: dims.map { TensorShape($0.map { Dim($0) }) }))
    }

    /// Element type and shape when this is a (dense) tensor type.
    public var tensorType: (elemType: Int32, shape: TensorShape?)? {
        if case let .tensor(e, s) = kind { return (e, s) }
        return nil
    }

    /// Compact text: `float32[N,3,224,224]`, `seq(float32[?])`, `map(int64,float32)`, `optional(...)`.
    public var text: String {
        switch kind {
        case .none: return "?"
        case let .tensor(e, s): return DataType.name(code: e) + (s?.text ?? "[?]")
        case let .sparseTensor(e, s): return "sparse " + DataType.name(code: e) + (s?.text ?? "[?]")
        case let .sequence(t): return "seq(\(t?.text ?? "?"))"
        case let .map(k, v): return "map(\(DataType.name(code: k)),\(v?.text ?? "?"))"
        case let .optional(t): return "optional(\(t?.text ?? "?"))"
        case let .opaque(d, n): return "opaque(\(d.isEmpty ? n : d + "." + n))"
        }
    }
}

/// `TensorShapeProto`.
public struct TensorShape: Sendable, Hashable {
    public var dims: [Dim]
    public init(_ dims: [Dim]) { self.dims = dims }
    public var text: String { "[" + dims.map(\.text).joined(separator: ",") + "]" }
}

/// `TensorShapeProto.Dim`: a concrete size, a symbolic name, or unknown.
public struct Dim: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case value(Int64)
        case param(String)
        case unknown
    }
    public var value: Value
    public var denotation = ""
    public init(_ value: Value, denotation: String = "") {
        self.value = value
        self.denotation = denotation
    }
    public var text: String {
        switch value {
        case let .value(v): return String(v)
        case let .param(p): return p
        case .unknown: return "?"
        }
    }
}
