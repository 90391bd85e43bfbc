#if canImport(Glibc)
import Glibc
#endif

/// Branch-free float32 exp, log, tanh and erf that LLVM can vectorise in element-wise loops
/// (glibc's scalar expf/tanhf/erff are the bottleneck of activation-heavy graphs). Relative error
/// is a few float ulps (erf: about 1e-7 absolute), far inside the 1e-3 tolerance ONNX tests use.
/// Double keeps libm.
public protocol VectorMath {
    static func vexp(_ x: Self) -> Self
    static func vlog(_ x: Self) -> Self
    static func vtanh(_ x: Self) -> Self
    static func verf(_ x: Self) -> Self
}

extension Double: VectorMath {
    @inline(__always) public static func vexp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func vlog(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func vtanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func verf(_ x: Double) -> Double { Glibc.erf(x) }
}

extension Float: VectorMath {
    /// e^x: x = n ln2 + r, |r| <= ln2/2, degree-6 polynomial, scaled by 2^n through the exponent bits.
    @inline(__always) public static func vexp(_ x: Float) -> Float {
        // NaN is replaced before the range reduction (converting NaN to an integer would trap).
        let c = x.isNaN ? 0 : Swift.min(Swift.max(x, -87.33654), 88.72283)
        // Round to nearest with the 1.5 * 2^23 trick (no libm call, no trapping conversion):
        // the integer lands in the low mantissa bits of t.
        let t = c * 1.442695040888963 + 12582912
        let n = t - 12582912
        let r = (c - n * 0.693359375) - n * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let e = (p * r * r + r) + 1
        // 2^n as two factors so that n = 128 and n = -126 stay representable.
        let ni = Int32(bitPattern: t.bitPattern) &- 0x4B40_0000
        let half = ni >> 1
        let s1 = Float(bitPattern: UInt32(bitPattern: (half &+ 127) &<< 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (ni &- half &+ 127) &<< 23))
        var y = e * s1 * s2
        y = x > 88.72283 ? .infinity : y
        y = x < -87.33654 ? 0 : y
        return x.isNaN ? x : y
    }

    /// ln x: x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m from a polynomial in m - 1 (Cephes logf).
    @inline(__always) public static func vlog(_ x: Float) -> Float {
        // Subnormals are scaled into the normal range first.
        let sub = x < Float.leastNormalMagnitude
        let xs = sub ? x * 8388608 : x
        let bits = xs.bitPattern
        var e = Int32(bitPattern: (bits >> 23) & 0xFF) &- (sub ? 149 : 126)
        var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)  // in [0.5, 1)
        let small = m < 0.70710678
        e = small ? e &- 1 : e
        m = small ? m + m - 1 : m - 1
        let z = m * m
        var p: Float = 7.0376836292e-2
        p = p * m + -1.1514610310e-1
        p = p * m + 1.1676998740e-1
        p = p * m + -1.2420140846e-1
        p = p * m + 1.4249322787e-1
        p = p * m + -1.6668057665e-1
        p = p * m + 2.0000714765e-1
        p = p * m + -2.4999993993e-1
        p = p * m + 3.3333331174e-1
        let fe = Float(e)
        var y = p * m * z
        y += fe * -2.12194440e-4
        y += -0.5 * z
        y = m + y + fe * 0.693359375
        // Zero, negatives, infinities, NaN and subnormals.
        y = x == 0 ? -.infinity : y
        y = x < 0 || x.isNaN ? .nan : y
        return x == .infinity ? .infinity : y
    }

    /// tanh: an odd polynomial near 0, 1 - 2/(e^{2|x|} + 1) elsewhere.
    @inline(__always) public static func vtanh(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let z = x * x
        // Taylor series of (x - tanh x) / x^3: 1/3 - 2/15 z + 17/315 z^2 - 62/2835 z^3 + ...
        var p: Float = -3.5921280e-3
        p = p * z + 8.8632355e-3
        p = p * z + -2.1869488e-2
        p = p * z + 5.3968254e-2
        p = p * z + -1.3333334e-1
        p = p * z + 3.3333334e-1
        let small = x - x * z * p
        let e = vexp(2 * Swift.min(a, 9.1))
        var large = 1 - 2 / (e + 1)
        large = x < 0 ? -large : large
        return a < 0.55 ? small : large
    }

    /// erf: Taylor series near 0, Abramowitz-Stegun 7.1.26 elsewhere.
    @inline(__always) public static func verf(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let z = x * x
        var s: Float = -1.0 / 1320
        s = s * z + 1.0 / 216
        s = s * z + -1.0 / 42
        s = s * z + 1.0 / 10
        s = s * z + -1.0 / 3
        let small = 1.1283791670955126 * (x + x * z * s)
        let t = 1 / (1 + 0.3275911 * a)
        var q: Float = 1.061405429
        q = q * t + -1.453152027
        q = q * t + 1.421413741
        q = q * t + -0.284496736
        q = q * t + 0.254829592
        var large = 1 - q * t * vexp(-z)
        large = x < 0 ? -large : large
        return a < 0.5 ? small : (a > 4 ? (x < 0 ? -1 : 1) : large)
    }
}
