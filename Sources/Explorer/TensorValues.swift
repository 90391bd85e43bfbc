import OnnxModel

/// Decoded access to a tensor's elements. Opening a tensor maps its bytes (no copy for raw and
/// external data); elements are converted one at a time as they are drawn or summarised.
struct TensorValues {
    let dtype: DataType
    let dims: [Int]
    let count: Int
    private let bytes: ByteView?
    private let strings: [[UInt8]]?

    /// Decodes nothing yet; fails with a message when the data cannot be read.
    init(_ t: TensorData) throws(LoadError) {
        guard let dt = t.dataType else { throw LoadError(t.name, "unknown data type \(t.elemType)") }
        guard let n = t.elementCount else { throw LoadError(t.name, "shape \(t.dims) is invalid") }
        dtype = dt
        dims = t.dims.map { Int($0) }
        count = n
        if dt == .string {
            strings = try t.stringValues()
            bytes = nil
        } else {
            bytes = try t.canonicalBytes()
            strings = nil
        }
    }

    var isNumeric: Bool { strings == nil && TensorValues.decodable(dtype) }

    static func decodable(_ t: DataType) -> Bool {
        switch t {
        case .float, .double, .float16, .bfloat16, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64,
             .bool, .int4, .uint4, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz:
            return true
        default:
            return false
        }
    }

    var isIntegral: Bool { dtype.isInteger || dtype == .bool }

    /// Element `i` as a Double (nil for strings and types shown raw).
    func value(_ i: Int) -> Double? {
        guard let bytes, i >= 0, i < count, TensorValues.decodable(dtype) else { return nil }
        return bytes.withUnsafeBytes { TensorValues.read(dtype, $0, i) }
    }

    /// Element `i` as display text.
    func text(_ i: Int) -> String {
        if let strings { return i < strings.count ? "\"" + String(decoding: strings[i], as: UTF8.self) + "\"" : "?" }
        guard let v = value(i) else { return "?" }
        if dtype == .bool { return v != 0 ? "true" : "false" }
        if isIntegral { return v.magnitude < 1e18 ? String(Int64(v)) : Fmt.g(v, 6) }
        return Fmt.g(v, 5)
    }

    /// Exact flat indices of the first NaN and the first infinity (one pass, stops when both are found).
    func firstSpecial() -> (nan: Int?, inf: Int?) {
        guard let bytes, TensorValues.decodable(dtype), count > 0, !isIntegral else { return (nil, nil) }
        var nan: Int?, inf: Int?
        bytes.withUnsafeBytes { raw in
            var i = 0
            while i < count && (nan == nil || inf == nil) {
                let x = TensorValues.read(dtype, raw, i)
                if x.isNaN { if nan == nil { nan = i } } else if x.isInfinite, inf == nil { inf = i }
                i += 1
            }
        }
        return (nan, inf)
    }

    /// Calls `body` with the elements at `0, stride, 2*stride, ...` (one pass over mapped memory).
    func forEach(stride: Int, _ body: (Double) -> Void) {
        guard let bytes, TensorValues.decodable(dtype), count > 0 else { return }
        bytes.withUnsafeBytes { raw in
            var i = 0
            while i < count {
                body(TensorValues.read(dtype, raw, i))
                i += stride
            }
        }
    }

    static func read(_ t: DataType, _ raw: UnsafeRawBufferPointer, _ i: Int) -> Double {
        switch t {
        case .float: return Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
        case .double: return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        case .float16: return Double(halfToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
        case .bfloat16: return Double(Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16))
        case .int8: return Double(Int8(bitPattern: raw[i]))
        case .uint8: return Double(raw[i])
        case .bool: return raw[i] != 0 ? 1 : 0
        case .int16: return Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .uint16: return Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .int32: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .uint32: return Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .int64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        case .uint64: return Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        case .uint4, .int4:
            let b = raw[i / 2]
            let nib = i % 2 == 0 ? b & 0xF : b >> 4
            if t == .int4 { return Double(nib >= 8 ? Int(nib) - 16 : Int(nib)) }
            return Double(nib)
        case .float8e4m3fn: return Double(f8e4m3(raw[i], fnuz: false))
        case .float8e4m3fnuz: return Double(f8e4m3(raw[i], fnuz: true))
        case .float8e5m2: return Double(halfToFloat(UInt16(raw[i]) << 8))
        case .float8e5m2fnuz: return Double(f8e5m2fnuz(raw[i]))
        default: return .nan
        }
    }

    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            if mant == 0 { return Float(bitPattern: sign) }
            // Subnormal.
            let v = Float(mant) * Float(bitPattern: 0x3380_0000) // 2^-24
            return sign != 0 ? -v : v
        }
        if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mant << 13)) }
        return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | (mant << 13))
    }

    static func f8e4m3(_ b: UInt8, fnuz: Bool) -> Float {
        if fnuz && b == 0x80 { return .nan }
        if !fnuz && b & 0x7F == 0x7F { return .nan }
        let sign: Float = b & 0x80 != 0 ? -1 : 1
        let exp = Int((b >> 3) & 0xF)
        let mant = Float(b & 0x7)
        let bias = fnuz ? 8 : 7
        if exp == 0 { return sign * mant / 8 * pow2(1 - bias) }
        return sign * (1 + mant / 8) * pow2(exp - bias)
    }

    static func f8e5m2fnuz(_ b: UInt8) -> Float {
        if b == 0x80 { return .nan }
        let sign: Float = b & 0x80 != 0 ? -1 : 1
        let exp = Int((b >> 2) & 0x1F)
        let mant = Float(b & 0x3)
        if exp == 0 { return sign * mant / 4 * pow2(1 - 16) }
        return sign * (1 + mant / 4) * pow2(exp - 16)
    }

    static func pow2(_ e: Int) -> Float {
        var v: Float = 1
        if e >= 0 { for _ in 0..<e { v *= 2 } } else { for _ in 0..<(-e) { v /= 2 } }
        return v
    }
}

/// Summary statistics of a tensor (over a strided sample for very large ones).
struct TensorStats: Equatable {
    var count = 0
    var finite = 0
    var min = Double.nan
    var max = Double.nan
    var mean = Double.nan
    var std = Double.nan
    var zeros = 0
    var nans = 0
    var infs = 0
    var sampled = false
    var bins: [Double] = []

    /// Elements read at most; larger tensors are sampled with a stride.
    static let sampleLimit = 4_000_000
    static let binCount = 64

    init() {}

    init(_ v: TensorValues) {
        guard v.isNumeric, v.count > 0 else { return }
        let stride = Swift.max(1, (v.count + TensorStats.sampleLimit - 1) / TensorStats.sampleLimit)
        sampled = stride > 1
        var lo = Double.infinity, hi = -Double.infinity
        var sum = 0.0, sumSq = 0.0
        var n = 0, fin = 0, z = 0, nn = 0, inf = 0
        // Welford would be steadier; mean-shifted sums are enough for display to 4-5 digits.
        var shift = Double.nan
        v.forEach(stride: stride) { x in
            n += 1
            if x.isNaN { nn += 1; return }
            if x.isInfinite { inf += 1; return }
            if shift.isNaN { shift = x }
            fin += 1
            if x == 0 { z += 1 }
            if x < lo { lo = x }
            if x > hi { hi = x }
            let d = x - shift
            sum += d
            sumSq += d * d
        }
        count = n
        finite = fin
        zeros = z
        nans = nn
        infs = inf
        guard fin > 0 else { return }
        min = lo
        max = hi
        let m = sum / Double(fin)
        mean = shift + m
        std = (Swift.max(0, sumSq / Double(fin) - m * m)).squareRoot()
        var b = [Double](repeating: 0, count: TensorStats.binCount)
        let width = hi - lo
        v.forEach(stride: stride) { x in
            guard x.isFinite else { return }
            let k = width > 0 ? Int((x - lo) / width * Double(TensorStats.binCount)) : TensorStats.binCount / 2
            b[Swift.min(TensorStats.binCount - 1, Swift.max(0, k))] += 1
        }
        bins = b
    }
}
