import OnnxModel

/// Summary statistics of a tensor: min/max/mean over finite values, NaN and Inf counts and the
/// first flat index of each. Shared by `run`, `--dump-dir`, breakpoints and the tensor view.
public struct TensorStats: Sendable, Equatable {
    public var count = 0
    /// Over finite values; nil when there are none (or for strings).
    public var min: Double?
    public var max: Double?
    public var mean: Double?
    public var nanCount = 0
    public var infCount = 0
    public var firstNaN: Int?
    public var firstInf: Int?
    /// Largest |x| over all values (Inf when any is infinite), nil when none.
    public var maxAbs: Double?

    public init() {}

    public init(_ t: Tensor) {
        count = t.count
        guard t.dtype != .string, t.dtype != .undefined, t.count > 0 else { return }
        var lo = Double.infinity, hi = -Double.infinity, sum = 0.0, finite = 0, mabs = 0.0
        func visit(_ v: Double, _ i: Int) {
            if v.isNaN {
                nanCount += 1
                if firstNaN == nil { firstNaN = i }
            } else if v.isInfinite {
                infCount += 1
                if firstInf == nil { firstInf = i }
                mabs = .infinity
            } else {
                if v < lo { lo = v }
                if v > hi { hi = v }
                sum += v
                finite += 1
                let a = Swift.abs(v)
                if a > mabs { mabs = a }
            }
        }
        switch t.dtype {
        case .float:
            t.withUnsafeBuffer(as: Float.self) { p in for i in 0..<p.count { visit(Double(p[i]), i) } }
        case .double:
            t.withUnsafeBuffer(as: Double.self) { p in for i in 0..<p.count { visit(p[i], i) } }
        case .complex64, .complex128:
            return
        default:
            for i in 0..<t.count { visit(t.doubleValue(at: i), i) }
        }
        if finite > 0 {
            min = lo
            max = hi
            mean = sum / Double(finite)
        }
        if finite > 0 || infCount > 0 { maxAbs = mabs }
    }
}

extension Tensor {
    /// Whether any element is NaN or infinite (false for types without either). A vectorised scan
    /// of the raw bits, far cheaper than TensorStats: the debugger asks it of every output it
    /// observes and computes the full statistics only when this finds one.
    public var hasNonFinite: Bool {
        guard count > 0 else { return false }
        switch dtype {
        case .float: return withUnsafeBuffer(as: Float.self) { FastMath.anyNonFinite($0) }
        case .double: return withUnsafeBuffer(as: Double.self) { FastMath.anyNonFinite($0) }
        case .float16:
            // All-ones exponent (5 bits); exponent + 1 reaches 0x20 only then.
            return withUnsafeBuffer(as: UInt16.self) { p in
                var acc: UInt16 = 0
                for x in p { acc |= ((x >> 10) & 0x1F) &+ 1 }
                return acc & 0x20 != 0
            }
        case .bfloat16:
            return withUnsafeBuffer(as: UInt16.self) { p in
                var acc: UInt16 = 0
                for x in p { acc |= ((x >> 7) & 0xFF) &+ 1 }
                return acc & 0x100 != 0
            }
        case .complex64:
            return FastMath.anyNonFinite(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.base).assumingMemoryBound(to: Float.self), count: count * 2))
        case .complex128:
            return FastMath.anyNonFinite(UnsafeBufferPointer(start: UnsafeRawPointer(buffer.base).assumingMemoryBound(to: Double.self), count: count * 2))
        default:
            // The 8-, 6- and 4-bit float formats, through their decoded values.
            guard dtype.isFloatingPoint else { return false }
            for i in 0..<count where !doubleValue(at: i).isFinite { return true }
            return false
        }
    }
}
