import OnnxModel

/// A dense tensor: dtype, shape and contiguous row-major storage. Values are immutable once made
/// (kernels fill fresh tensors through `Tensor.make`); copies share storage.
public struct Tensor: Sendable, CustomStringConvertible {
    public let dtype: DataType
    public let shape: [Int]
    /// Number of elements (product of `shape`; 1 for a scalar).
    public let count: Int
    /// Fixed-width storage (unused, zero bytes, for strings).
    public let buffer: TensorBuffer
    /// String storage (empty for other types).
    public let strings: [String]
    /// Bytes of storage held (strings counted by their UTF-8 length). Stored, not computed: a
    /// read through a Value (every node's completion, every observer) then borrows the tensor in
    /// its box; computing it copied the tensor out (three retains and releases).
    public let byteCount: Int

    /// A tensor over an existing buffer. `buffer` must hold `count * storageSize` bytes.
    public init(dtype: DataType, shape: [Int], buffer: TensorBuffer) {
        self.dtype = dtype
        self.shape = shape
        self.count = Tensor.elementCount(shape)
        self.buffer = buffer
        self.strings = []
        byteCount = count * (dtype.storageSize ?? 0)
        precondition(dtype != .string && buffer.byteCount >= byteCount, "tensor buffer too small")
    }

    public init(strings: [String], shape: [Int]) {
        precondition(strings.count == Tensor.elementCount(shape), "string count does not match shape")
        dtype = .string
        self.shape = shape
        count = strings.count
        buffer = Tensor.emptyBuffer
        self.strings = strings
        byteCount = strings.reduce(0) { $0 + $1.utf8.count + 16 }
    }

    static let emptyBuffer = TensorBuffer(byteCount: 0)

    /// Product of dims (callers validate dims are non-negative and do not overflow).
    @inline(__always)
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }

    public var rank: Int { shape.count }
    public var isScalar: Bool { shape.isEmpty }


    // MARK: Creation

    /// A tensor of `dtype` and `shape` filled by `fill` through a typed view of fresh storage.
    /// `T` must have the storage size of `dtype` (String for strings). Storage is not zeroed.
    public static func make<T>(_ dtype: DataType, _ shape: [Int], as: T.Type = T.self,
                               _ fill: (UnsafeMutableBufferPointer<T>) throws -> Void) rethrows -> Tensor {
        let n = elementCount(shape)
        if dtype == .string {
            precondition(T.self == String.self, "string tensors are filled as String")
            var s = [String](repeating: "", count: n)
            try s.withUnsafeMutableBufferPointer { p in
                try fill(UnsafeMutableBufferPointer(start: UnsafeMutableRawPointer(p.baseAddress)?.assumingMemoryBound(to: T.self), count: n))
            }
            return Tensor(strings: s, shape: shape)
        }
        let size = dtype.storageSize ?? 0
        precondition(MemoryLayout<T>.stride == size, "\(T.self) does not match \(dtype.name) storage")
        let buf = TensorBuffer(byteCount: n * size)
        try fill(UnsafeMutableBufferPointer(start: buf.base.assumingMemoryBound(to: T.self), count: n))
        return Tensor(dtype: dtype, shape: shape, buffer: buf)
    }

    /// A zero-filled tensor (empty strings for string tensors).
    public static func zeros(_ dtype: DataType, _ shape: [Int]) -> Tensor {
        if dtype == .string { return Tensor(strings: [String](repeating: "", count: elementCount(shape)), shape: shape) }
        let n = elementCount(shape)
        return Tensor(dtype: dtype, shape: shape, buffer: TensorBuffer(byteCount: n * (dtype.storageSize ?? 0), zeroed: true))
    }

    /// A tensor from Swift values of the element type's default dtype.
    public init<T: TensorElement>(shape: [Int], _ values: [T]) {
        self = Tensor(dtype: T.dataType, shape: shape, values)
    }

    /// A tensor of `dtype` from Swift values with the matching storage size.
    public init<T>(dtype: DataType, shape: [Int], _ values: [T]) {
        precondition(values.count == Tensor.elementCount(shape), "value count \(values.count) does not match shape \(shape)")
        self = Tensor.make(dtype, shape, as: T.self) { p in
            for i in 0..<values.count { (p.baseAddress! + i).initialize(to: values[i]) }
        }
    }

    public static func scalar<T: TensorElement>(_ v: T) -> Tensor { Tensor(shape: [], [v]) }

    // MARK: Access

    /// Typed read access to the storage. `T` must have the storage size of `dtype`.
    @inline(__always)
    public func withUnsafeBuffer<T, R>(as: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        if dtype == .string {
            precondition(T.self == String.self, "string tensors are read as String")
            return try strings.withUnsafeBufferPointer { p in
                try body(UnsafeBufferPointer(start: UnsafeRawPointer(p.baseAddress)?.assumingMemoryBound(to: T.self), count: count))
            }
        }
        precondition(MemoryLayout<T>.stride == dtype.storageSize, "\(T.self) does not match \(dtype.name) storage")
        return try body(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.base).assumingMemoryBound(to: T.self), count: count))
    }

    /// The elements as a Swift array.
    public func elements<T>(as: T.Type = T.self) -> [T] {
        withUnsafeBuffer(as: T.self) { Array($0) }
    }

    /// The same storage with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(newShape) == count, "reshape changes the element count")
        if dtype == .string { return Tensor(strings: strings, shape: newShape) }
        return Tensor(dtype: dtype, shape: newShape, buffer: buffer)
    }

    /// The same bytes reinterpreted as another dtype of the same storage size.
    public func reinterpreted(as newType: DataType) -> Tensor {
        precondition(newType.storageSize == dtype.storageSize && dtype != .string, "reinterpretation changes the storage size")
        return Tensor(dtype: newType, shape: shape, buffer: buffer)
    }

    /// Element `i` as a Double (numeric, bool and reduced float types; NaN for strings and complex).
    public func doubleValue(at i: Int) -> Double {
        let p = UnsafeRawPointer(buffer.base)
        switch dtype {
        case .float: return Double(p.load(fromByteOffset: i * 4, as: Float.self))
        case .double: return p.load(fromByteOffset: i * 8, as: Double.self)
        case .float16: return Double(p.load(fromByteOffset: i * 2, as: Float16.self))
        case .bfloat16: return Double(FloatFormats.bfloat16ToFloat(p.load(fromByteOffset: i * 2, as: UInt16.self)))
        case .int8, .int4, .int2: return Double(p.load(fromByteOffset: i, as: Int8.self))
        case .uint8, .uint4, .uint2: return Double(p.load(fromByteOffset: i, as: UInt8.self))
        case .bool: return p.load(fromByteOffset: i, as: UInt8.self) != 0 ? 1 : 0
        case .int16: return Double(p.load(fromByteOffset: i * 2, as: Int16.self))
        case .uint16: return Double(p.load(fromByteOffset: i * 2, as: UInt16.self))
        case .int32: return Double(p.load(fromByteOffset: i * 4, as: Int32.self))
        case .uint32: return Double(p.load(fromByteOffset: i * 4, as: UInt32.self))
        case .int64: return Double(p.load(fromByteOffset: i * 8, as: Int64.self))
        case .uint64: return Double(p.load(fromByteOffset: i * 8, as: UInt64.self))
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .float4e2m1, .float6e2m3, .float6e3m2:
            return Double(FloatFormats.decode(p.load(fromByteOffset: i, as: UInt8.self), dtype))
        case .string, .undefined, .complex64, .complex128: return .nan
        }
    }

    /// Integer values of an int32/int64 (or other integer) tensor: shapes, axes, indices.
    public func intValues() throws(KernelError) -> [Int] {
        switch dtype {
        case .int64: return withUnsafeBuffer(as: Int64.self) { $0.map { Int(truncatingIfNeeded: $0) } }
        case .int32: return withUnsafeBuffer(as: Int32.self) { $0.map { Int($0) } }
        case .int8, .int16, .uint8, .uint16, .uint32, .uint64:
            return (0..<count).map { Int(fromDouble: doubleValue(at: $0)) }
        default: throw KernelError("expected an integer tensor, got \(dtype.name)")
        }
    }

    public var description: String { "\(dtype.name)\(shapeText(shape))" }
}

extension Int {
    /// Clamped conversion that never traps.
    @inline(__always)
    init(fromDouble d: Double) {
        if d.isNaN { self = 0 } else if d >= 9.2e18 { self = Int.max } else if d <= -9.2e18 { self = Int.min } else { self = Int(d) }
    }
}
