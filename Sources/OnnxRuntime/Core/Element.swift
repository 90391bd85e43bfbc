import OnnxModel

extension DataType {
    /// Bytes per element in runtime storage. Sub-byte types (int4, float4e2m1, int2, ...) are kept
    /// unpacked, one byte per element; packing happens only when reading or writing files.
    /// nil for strings (kept as `[String]`) and `undefined`.
    public var storageSize: Int? {
        switch self {
        case .undefined, .string: return nil
        case .bool, .uint8, .int8, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .uint4, .int4, .float4e2m1, .uint2, .int2, .float6e2m3, .float6e3m2: return 1
        case .uint16, .int16, .float16, .bfloat16: return 2
        case .float, .int32, .uint32: return 4
        case .double, .int64, .uint64, .complex64: return 8
        case .complex128: return 16
        }
    }

    /// Float types with fewer than 32 bits whose arithmetic runs in float32 and rounds back.
    public var isReducedFloat: Bool {
        switch self {
        case .float16, .bfloat16, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0,
             .float4e2m1, .float6e2m3, .float6e3m2: return true
        default: return false
        }
    }

    /// Types the arithmetic kernels compute in directly.
    public var isNativeNumeric: Bool {
        switch self {
        case .float, .double, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }
}

/// A Swift type that can view a tensor's storage.
public protocol TensorElement: Sendable {
    /// The ONNX type this Swift type stands for by default.
    static var dataType: DataType { get }
}

/// Arithmetic on the element types kernels compute in: Float, Double and the fixed-width integers.
/// Integer operations wrap like numpy and never trap (division by zero gives 0).
public protocol NumericElement: TensorElement, Comparable {
    static var zero: Self { get }
    static var one: Self { get }
    /// Smallest and largest values (-inf/+inf for floats): the identities of max/min.
    static var lowest: Self { get }
    static var highest: Self { get }
    static func add(_ a: Self, _ b: Self) -> Self
    static func sub(_ a: Self, _ b: Self) -> Self
    static func mul(_ a: Self, _ b: Self) -> Self
    static func div(_ a: Self, _ b: Self) -> Self
    static func neg(_ a: Self) -> Self
    var asDouble: Double { get }
    /// Conversion from Double following C casts for in-range values; NaN and out-of-range values
    /// give a defined result instead of trapping.
    init(fromDouble d: Double)
    var isNaNValue: Bool { get }
    /// max/min that propagate NaN (numpy's `maximum`/`minimum`).
    static func maxNaN(_ a: Self, _ b: Self) -> Self
    static func minNaN(_ a: Self, _ b: Self) -> Self
}

public protocol FloatElement: NumericElement, BinaryFloatingPoint, FloatMath, VectorMath {
    init(_ d: Double)
}

public protocol IntElement: NumericElement, FixedWidthInteger {}

extension NumericElement where Self: FixedWidthInteger {
    @inline(__always) public static var zero: Self { 0 }
    @inline(__always) public static var one: Self { 1 }
    @inline(__always) public static var lowest: Self { Self.min }
    @inline(__always) public static var highest: Self { Self.max }
    @inline(__always) public static func add(_ a: Self, _ b: Self) -> Self { a &+ b }
    @inline(__always) public static func sub(_ a: Self, _ b: Self) -> Self { a &- b }
    @inline(__always) public static func mul(_ a: Self, _ b: Self) -> Self { a &* b }
    @inline(__always) public static func div(_ a: Self, _ b: Self) -> Self {
        if b == 0 { return 0 }
        return a.dividedReportingOverflow(by: b).partialValue
    }
    @inline(__always) public static func neg(_ a: Self) -> Self { 0 &- a }
    @inline(__always) public var asDouble: Double { Double(self) }
    @inline(__always) public init(fromDouble d: Double) {
        if d.isNaN { self = Self.isSigned ? Self.min : 0; return }
        let t = d.rounded(.towardZero)
        if t >= -9.2e18 && t <= 9.2e18 {
            self = Self(truncatingIfNeeded: Int64(t))
        } else if t >= 0 && t < 1.8e19 {
            self = Self(truncatingIfNeeded: UInt64(t))
        } else {
            self = Self.isSigned ? Self.min : 0
        }
    }
    @inline(__always) public var isNaNValue: Bool { false }
    @inline(__always) public static func maxNaN(_ a: Self, _ b: Self) -> Self { a > b ? a : b }
    @inline(__always) public static func minNaN(_ a: Self, _ b: Self) -> Self { a < b ? a : b }
}

extension NumericElement where Self: BinaryFloatingPoint {
    @inline(__always) public static var zero: Self { 0 }
    @inline(__always) public static var one: Self { 1 }
    @inline(__always) public static var lowest: Self { -Self.infinity }
    @inline(__always) public static var highest: Self { Self.infinity }
    @inline(__always) public static func add(_ a: Self, _ b: Self) -> Self { a + b }
    @inline(__always) public static func sub(_ a: Self, _ b: Self) -> Self { a - b }
    @inline(__always) public static func mul(_ a: Self, _ b: Self) -> Self { a * b }
    @inline(__always) public static func div(_ a: Self, _ b: Self) -> Self { a / b }
    @inline(__always) public static func neg(_ a: Self) -> Self { -a }
    @inline(__always) public var isNaNValue: Bool { isNaN }
    @inline(__always) public static func maxNaN(_ a: Self, _ b: Self) -> Self { a.isNaN || b.isNaN ? .nan : (a > b ? a : b) }
    @inline(__always) public static func minNaN(_ a: Self, _ b: Self) -> Self { a.isNaN || b.isNaN ? .nan : (a < b ? a : b) }
}

extension Float: FloatElement {
    public static var dataType: DataType { .float }
    @inline(__always) public var asDouble: Double { Double(self) }
    @inline(__always) public init(fromDouble d: Double) { self.init(d) }
}
extension Double: FloatElement {
    public static var dataType: DataType { .double }
    @inline(__always) public var asDouble: Double { self }
    @inline(__always) public init(fromDouble d: Double) { self = d }
}
extension Int8: IntElement { public static var dataType: DataType { .int8 } }
extension Int16: IntElement { public static var dataType: DataType { .int16 } }
extension Int32: IntElement { public static var dataType: DataType { .int32 } }
extension Int64: IntElement { public static var dataType: DataType { .int64 } }
extension UInt8: IntElement { public static var dataType: DataType { .uint8 } }
extension UInt16: IntElement { public static var dataType: DataType { .uint16 } }
extension UInt32: IntElement { public static var dataType: DataType { .uint32 } }
extension UInt64: IntElement { public static var dataType: DataType { .uint64 } }
extension Bool: TensorElement { public static var dataType: DataType { .bool } }
extension String: TensorElement { public static var dataType: DataType { .string } }
extension Float16: TensorElement { public static var dataType: DataType { .float16 } }

/// Sixteen bytes moved as one element (complex128).
public struct Bytes16: TensorElement, Equatable {
    public var lo: UInt64
    public var hi: UInt64
    public static var dataType: DataType { .complex128 }
}
