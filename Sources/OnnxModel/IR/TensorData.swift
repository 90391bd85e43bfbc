/// `TensorProto`: an initializer, a Constant's value, or test data. The element bytes are not
/// decoded at load time: `payload` says where they are, and `canonicalBytes()` produces them on demand.
public struct TensorData: Sendable {
    public var name = ""
    public var dims: [Int64] = []
    /// Raw `data_type` code (see `DataType`).
    public var elemType: Int32 = 0
    public var segment: (begin: Int64, end: Int64)?
    public var docString = ""
    public var metadataProps: [StringPair] = []
    public var externalData: [StringPair] = []
    /// `data_location`: 0 DEFAULT, 1 EXTERNAL.
    public var dataLocation: Int32 = 0
    public var payload: TensorPayload = .none

    public init() {}

    /// A tensor over little-endian `raw` bytes (tests, in-memory construction).
    public init(name: String = "", type: DataType, dims: [Int64], raw: [UInt8]) {
        self.name = name
        self.elemType = type.rawValue
        self.dims = dims
        self.payload = .raw(ByteView(raw))
    }

    public var dataType: DataType? { DataType(rawValue: elemType) }

    public var isExternal: Bool { dataLocation == 1 }

    /// Element count (product of dims), nil when a dim is negative or the product overflows.
    public var elementCount: Int? { TensorData.elementCount(dims) }

    public static func elementCount(_ dims: [Int64]) -> Int? {
        var n = 1
        for d in dims {
            guard d >= 0, d <= Int64(Int.max) else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: Int(d))
            if o { return nil }
            n = p
        }
        return n
    }

    /// Bytes the tensor's data should take in raw form (nil for strings or invalid dims).
    public var expectedByteCount: Int? {
        guard let n = elementCount, let t = dataType else { return nil }
        return t.byteCount(elements: n)
    }

    /// `dtype[d0,d1,...]`.
    public var typeText: String { DataType.name(code: elemType) + "[" + dims.map(String.init).joined(separator: ",") + "]" }
}

/// Where a tensor's element data lives.
public enum TensorPayload: Sendable {
    /// No data at all (a tensor with zero elements, or a malformed one).
    case none
    /// `raw_data`: little-endian packed bytes, usually a view into the mapped model file.
    case raw(ByteView)
    /// One of the typed fields (`float_data`, `int32_data`, `int64_data`, `double_data`, `uint64_data`).
    case typed(TypedField)
    /// `string_data`.
    case strings([[UInt8]])
    /// `data_location = EXTERNAL`.
    case external(ExternalDataRef)
}

/// A typed `*_data` field: packed chunks still in wire format plus values protobuf-c decoded
/// (unpacked encoding), stored as 64-bit patterns.
public struct TypedField: Sendable {
    public enum Kind: Int, Sendable {
        case float = 4, int32 = 5, int64 = 7, double = 10, uint64 = 11
        public var protoName: String {
            switch self {
            case .float: return "float_data"
            case .int32: return "int32_data"
            case .int64: return "int64_data"
            case .double: return "double_data"
            case .uint64: return "uint64_data"
            }
        }
    }
    public var kind: Kind
    /// Packed wire-format chunks (fixed32 floats, fixed64 doubles, or varints).
    public var packed: [ByteView] = []
    /// Values that came unpacked, as bit patterns (floats/doubles) or two's-complement integers.
    public var loose: [UInt64] = []

    public init(kind: Kind, packed: [ByteView] = [], loose: [UInt64] = []) {
        self.kind = kind
        self.packed = packed
        self.loose = loose
    }
}

/// `SparseTensorProto`.
public struct SparseTensorData: Sendable {
    public var values = TensorData()
    public var indices = TensorData()
    public var dims: [Int64] = []
    public init() {}
}
