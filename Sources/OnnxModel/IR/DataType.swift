/// ONNX `TensorProto.DataType`. Model files may carry codes this enum does not know; the IR keeps
/// the raw `Int32` code and `DataType(rawValue:)` turns it into this enum where it can.
public enum DataType: Int32, Sendable, CaseIterable, Hashable, Codable {
    case undefined = 0
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7
    case string = 8, bool = 9, float16 = 10, double = 11, uint32 = 12, uint64 = 13
    case complex64 = 14, complex128 = 15, bfloat16 = 16
    case float8e4m3fn = 17, float8e4m3fnuz = 18, float8e5m2 = 19, float8e5m2fnuz = 20
    case uint4 = 21, int4 = 22, float4e2m1 = 23, float8e8m0 = 24, uint2 = 25, int2 = 26
    case float6e2m3 = 27, float6e3m2 = 28

    /// numpy-style name used everywhere the tool prints a dtype.
    public var name: String {
        switch self {
        case .undefined: return "undefined"
        case .float: return "float32"
        case .double: return "float64"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint32: return "uint32"
        case .uint64: return "uint64"
        case .string: return "string"
        case .bool: return "bool"
        case .complex64: return "complex64"
        case .complex128: return "complex128"
        case .float8e4m3fn: return "float8e4m3fn"
        case .float8e4m3fnuz: return "float8e4m3fnuz"
        case .float8e5m2: return "float8e5m2"
        case .float8e5m2fnuz: return "float8e5m2fnuz"
        case .uint4: return "uint4"
        case .int4: return "int4"
        case .float4e2m1: return "float4e2m1"
        case .float8e8m0: return "float8e8m0"
        case .uint2: return "uint2"
        case .int2: return "int2"
        case .float6e2m3: return "float6e2m3"
        case .float6e3m2: return "float6e3m2"
        }
    }

    /// Name for a raw code, including codes this build does not know.
    public static func name(code: Int32) -> String {
        DataType(rawValue: code)?.name ?? "dtype(\(code))"
    }

    /// Storage width of one element in bits, as packed in raw_data; nil for strings and undefined.
    public var bitWidth: Int? {
        switch self {
        case .undefined, .string: return nil
        case .bool, .uint8, .int8, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0: return 8
        case .uint16, .int16, .float16, .bfloat16: return 16
        case .int32, .uint32, .float: return 32
        case .int64, .uint64, .double, .complex64: return 64
        case .complex128: return 128
        case .uint4, .int4, .float4e2m1: return 4
        case .uint2, .int2: return 2
        case .float6e2m3, .float6e3m2: return 6
        }
    }

    /// Bytes needed for `count` packed elements, or nil on overflow or for non-fixed-width types.
    public func byteCount(elements count: Int) -> Int? {
        guard let bits = bitWidth, count >= 0 else { return nil }
        let (total, overflow) = count.multipliedReportingOverflow(by: bits)
        if overflow { return nil }
        return (total + 7) / 8
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float, .double, .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2,
             .float8e5m2fnuz, .float4e2m1, .float8e8m0, .float6e2m3, .float6e3m2: return true
        default: return false
        }
    }

    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    public var isInteger: Bool {
        switch self {
        case .uint8, .int8, .uint16, .int16, .int32, .int64, .uint32, .uint64, .uint4, .int4, .uint2, .int2: return true
        default: return false
        }
    }

    public var isSignedInteger: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .int4, .int2: return true
        default: return false
        }
    }
}
