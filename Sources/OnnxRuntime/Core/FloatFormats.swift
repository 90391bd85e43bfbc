#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

/// Conversions between float32 and the reduced float formats: bfloat16 and the 8-, 6- and 4-bit
/// formats (float8e4m3fn/fnuz, float8e5m2/fnuz, float8e8m0, float6e2m3/e3m2, float4e2m1). Rounding is
/// to nearest, ties to even; overflow and NaN follow the ONNX Cast rules (and ml_dtypes, which
/// the ONNX reference uses).
public enum FloatFormats {
    // MARK: bfloat16

    @inline(__always)
    public static func bfloat16ToFloat(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

    @inline(__always)
    public static func floatToBFloat16(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        if f.isNaN { return UInt16(truncatingIfNeeded: (bits >> 16) | 0x40) }
        let rounding = 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    // MARK: small float formats

    /// Parameters of a small binary float format.
    struct Format {
        var exponentBits: Int
        var mantissaBits: Int
        var bias: Int
        /// Largest finite value.
        var maxValue: Float
        /// IEEE-style infinities (all-ones exponent, zero mantissa).
        var hasInf: Bool
        /// "fnuz": a single NaN (0x80, the negative-zero pattern) and no negative zero.
        var fnuz: Bool
        /// NaN is all-ones exponent and mantissa (float8e4m3fn).
        var nanIsAllOnes: Bool
        /// No NaN code at all: NaN and overflow saturate (float4e2m1, float6).
        var noNaN: Bool

        var bits: Int { 1 + exponentBits + mantissaBits }
        var signBit: UInt8 { UInt8(1 << (exponentBits + mantissaBits)) }
        var minNormalExponent: Int { 1 - bias }
    }

    static func format(_ t: DataType) -> Format? {
        switch t {
        case .float8e4m3fn: return Format(exponentBits: 4, mantissaBits: 3, bias: 7, maxValue: 448, hasInf: false, fnuz: false, nanIsAllOnes: true, noNaN: false)
        case .float8e4m3fnuz: return Format(exponentBits: 4, mantissaBits: 3, bias: 8, maxValue: 240, hasInf: false, fnuz: true, nanIsAllOnes: false, noNaN: false)
        case .float8e5m2: return Format(exponentBits: 5, mantissaBits: 2, bias: 15, maxValue: 57344, hasInf: true, fnuz: false, nanIsAllOnes: false, noNaN: false)
        case .float8e5m2fnuz: return Format(exponentBits: 5, mantissaBits: 2, bias: 16, maxValue: 57344, hasInf: false, fnuz: true, nanIsAllOnes: false, noNaN: false)
        case .float4e2m1: return Format(exponentBits: 2, mantissaBits: 1, bias: 1, maxValue: 6, hasInf: false, fnuz: false, nanIsAllOnes: false, noNaN: true)
        case .float6e2m3: return Format(exponentBits: 2, mantissaBits: 3, bias: 1, maxValue: 7.5, hasInf: false, fnuz: false, nanIsAllOnes: false, noNaN: true)
        case .float6e3m2: return Format(exponentBits: 3, mantissaBits: 2, bias: 3, maxValue: 28, hasInf: false, fnuz: false, nanIsAllOnes: false, noNaN: true)
        default: return nil
        }
    }

    /// Decoding tables, 256 entries each (codes above the format's width are unused).
    static let tables: [DataType: [Float]] = {
        var out: [DataType: [Float]] = [:]
        for t in [DataType.float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float4e2m1, .float6e2m3, .float6e3m2] {
            let f = format(t)!
            out[t] = (0..<256).map { decodeSlow(UInt8($0), f) }
        }
        out[.float8e8m0] = (0..<256).map { $0 == 255 ? Float.nan : Float(sign: .plus, exponent: $0 - 127, significand: 1) }
        return out
    }()

    static let f8e4m3fn = tables[.float8e4m3fn]!
    static let f8e4m3fnuz = tables[.float8e4m3fnuz]!
    static let f8e5m2 = tables[.float8e5m2]!
    static let f8e5m2fnuz = tables[.float8e5m2fnuz]!
    static let f4e2m1 = tables[.float4e2m1]!
    static let f8e8m0 = tables[.float8e8m0]!

    static func decodeSlow(_ code: UInt8, _ f: Format) -> Float {
        let c = Int(code) & ((1 << f.bits) - 1)
        let negative = c & Int(f.signBit) != 0
        let e = (c >> f.mantissaBits) & ((1 << f.exponentBits) - 1)
        let m = c & ((1 << f.mantissaBits) - 1)
        let allOnesExp = e == (1 << f.exponentBits) - 1
        if f.fnuz && c == Int(f.signBit) { return .nan }
        if f.hasInf && allOnesExp { return m == 0 ? (negative ? -.infinity : .infinity) : .nan }
        if f.nanIsAllOnes && allOnesExp && m == (1 << f.mantissaBits) - 1 { return .nan }
        var v: Float
        if e == 0 {
            v = Float(m) * Float(sign: .plus, exponent: f.minNormalExponent - f.mantissaBits, significand: 1)
        } else {
            v = (1 + Float(m) / Float(1 << f.mantissaBits)) * Float(sign: .plus, exponent: e - f.bias, significand: 1)
        }
        if negative { v = -v }
        return v
    }

    /// The float value of a code of a small float type.
    @inline(__always)
    public static func decode(_ code: UInt8, _ t: DataType) -> Float {
        switch t {
        case .float8e4m3fn: return f8e4m3fn[Int(code)]
        case .float8e4m3fnuz: return f8e4m3fnuz[Int(code)]
        case .float8e5m2: return f8e5m2[Int(code)]
        case .float8e5m2fnuz: return f8e5m2fnuz[Int(code)]
        case .float4e2m1: return f4e2m1[Int(code & 0x0F)]
        case .float8e8m0: return f8e8m0[Int(code)]
        default: return tables[t]?[Int(code)] ?? .nan
        }
    }

    /// Encodes `x` in a small float format. With `saturate`, values beyond the largest finite
    /// value (and infinities) become ±max; otherwise they become Inf (float8e5m2) or NaN.
    public static func encode(_ x: Float, _ t: DataType, saturate: Bool, roundMode: RoundMode = .up) -> UInt8 {
        if t == .float8e8m0 { return encodeE8M0(x, saturate: saturate, roundMode: roundMode) }
        guard let f = format(t) else { return 0 }
        let negative = x.sign == .minus
        let sign: UInt8 = negative ? f.signBit : 0
        let maxCode = UInt8(f.fnuz || f.noNaN || f.hasInf ? ((1 << (f.bits - 1)) - 1) : ((1 << (f.bits - 1)) - 2))
        let maxFinite: UInt8 = f.hasInf ? UInt8(((1 << f.exponentBits) - 2) << f.mantissaBits | ((1 << f.mantissaBits) - 1)) : maxCode
        func nanCode() -> UInt8 {
            if f.fnuz { return 0x80 }
            if f.noNaN { return negative ? 0 : f.signBit }
            if f.hasInf { return sign | UInt8(((1 << f.exponentBits) - 1) << f.mantissaBits) | UInt8(1 << (f.mantissaBits - 1)) }
            return sign | UInt8((1 << (f.bits - 1)) - 1)
        }
        func overflow() -> UInt8 {
            if saturate || f.noNaN { return sign | maxFinite }
            if f.hasInf { return sign | UInt8(((1 << f.exponentBits) - 1) << f.mantissaBits) }
            return nanCode()
        }
        if x.isNaN { return nanCode() }
        if x.isInfinite { return overflow() }
        let a = Double(abs(x))
        if a == 0 { return f.fnuz ? 0 : sign }
        // Round to the format's precision at a's binade (subnormals use the smallest binade).
        var e = Int(a.exponent)
        if e < f.minNormalExponent { e = f.minNormalExponent }
        let quantum = Double(sign: .plus, exponent: e - f.mantissaBits, significand: 1)
        let q = (a / quantum).rounded(.toNearestOrEven)
        let v = q * quantum
        if v > Double(f.maxValue) { return overflow() }
        if v == 0 { return f.fnuz ? 0 : sign }
        let minNormal = Double(sign: .plus, exponent: f.minNormalExponent, significand: 1)
        var code: Int
        if v < minNormal {
            code = Int(q)  // subnormal: exponent field 0, mantissa q
        } else {
            let ve = Int(v.exponent)
            let mant = Int((v / Double(sign: .plus, exponent: ve - f.mantissaBits, significand: 1))) - (1 << f.mantissaBits)
            code = ((ve + f.bias) << f.mantissaBits) | mant
        }
        return sign | UInt8(code)
    }

    public enum RoundMode: String, Sendable { case up, down, nearest }

    /// float8e8m0 (exponent only, bias 127, 0xFF is NaN), following onnx.numpy_helper.to_float8e8m0.
    static func encodeE8M0(_ x: Float, saturate: Bool, roundMode: RoundMode) -> UInt8 {
        let bits = x.bitPattern
        var exponent = Int((bits >> 23) & 0xFF)
        if exponent == 0xFF { return 0xFF }
        switch roundMode {
        case .nearest:
            let g = bits & 0x400000 != 0
            let r = bits & 0x200000 != 0
            let s = bits & 0x1FFFFF != 0
            let lsb = exponent > 0
            let roundUp = g && (r || s || lsb)
            if roundUp && !(saturate && exponent == 0xFE) { exponent += 1 }
        case .up:
            let roundUp = bits & 0x7FFFFF != 0
            if roundUp && !(saturate && exponent == 0xFE) { exponent += 1 }
        case .down:
            break
        }
        return UInt8(truncatingIfNeeded: exponent)
    }
}
