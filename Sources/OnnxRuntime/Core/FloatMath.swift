#if canImport(Glibc)
import Glibc
#endif

/// libm functions for the float types kernels compute in.
public protocol FloatMath {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func tan(_ x: Self) -> Self
    static func asin(_ x: Self) -> Self
    static func acos(_ x: Self) -> Self
    static func atan(_ x: Self) -> Self
    static func sinh(_ x: Self) -> Self
    static func cosh(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func asinh(_ x: Self) -> Self
    static func acosh(_ x: Self) -> Self
    static func atanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func fmod(_ x: Self, _ y: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
}

extension Float: FloatMath {
    @inline(__always) public static func exp(_ x: Float) -> Float { Glibc.expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { Glibc.logf(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { Glibc.powf(x, y) }
    @inline(__always) public static func sin(_ x: Float) -> Float { Glibc.sinf(x) }
    @inline(__always) public static func cos(_ x: Float) -> Float { Glibc.cosf(x) }
    @inline(__always) public static func tan(_ x: Float) -> Float { Glibc.tanf(x) }
    @inline(__always) public static func asin(_ x: Float) -> Float { Glibc.asinf(x) }
    @inline(__always) public static func acos(_ x: Float) -> Float { Glibc.acosf(x) }
    @inline(__always) public static func atan(_ x: Float) -> Float { Glibc.atanf(x) }
    @inline(__always) public static func sinh(_ x: Float) -> Float { Glibc.sinhf(x) }
    @inline(__always) public static func cosh(_ x: Float) -> Float { Glibc.coshf(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { Glibc.tanhf(x) }
    @inline(__always) public static func asinh(_ x: Float) -> Float { Glibc.asinhf(x) }
    @inline(__always) public static func acosh(_ x: Float) -> Float { Glibc.acoshf(x) }
    @inline(__always) public static func atanh(_ x: Float) -> Float { Glibc.atanhf(x) }
    @inline(__always) public static func erf(_ x: Float) -> Float { Glibc.erff(x) }
    @inline(__always) public static func fmod(_ x: Float, _ y: Float) -> Float { Glibc.fmodf(x, y) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { Glibc.log1pf(x) }
    @inline(__always) public static func expm1(_ x: Float) -> Float { Glibc.expm1f(x) }
}

extension Double: FloatMath {
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inline(__always) public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inline(__always) public static func tan(_ x: Double) -> Double { Glibc.tan(x) }
    @inline(__always) public static func asin(_ x: Double) -> Double { Glibc.asin(x) }
    @inline(__always) public static func acos(_ x: Double) -> Double { Glibc.acos(x) }
    @inline(__always) public static func atan(_ x: Double) -> Double { Glibc.atan(x) }
    @inline(__always) public static func sinh(_ x: Double) -> Double { Glibc.sinh(x) }
    @inline(__always) public static func cosh(_ x: Double) -> Double { Glibc.cosh(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func asinh(_ x: Double) -> Double { Glibc.asinh(x) }
    @inline(__always) public static func acosh(_ x: Double) -> Double { Glibc.acosh(x) }
    @inline(__always) public static func atanh(_ x: Double) -> Double { Glibc.atanh(x) }
    @inline(__always) public static func erf(_ x: Double) -> Double { Glibc.erf(x) }
    @inline(__always) public static func fmod(_ x: Double, _ y: Double) -> Double { Glibc.fmod(x, y) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inline(__always) public static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
}
