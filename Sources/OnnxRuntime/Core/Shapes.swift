#if canImport(Glibc)
import Glibc
#endif
/// Shape arithmetic: broadcasting, strides, axes.
public enum Shapes {
    /// The per-axis index of element `flat` of a row-major tensor of `shape` (empty dims count as 1).
    public static func multiIndex(_ flat: Int, _ shape: [Int]) -> [Int] {
        var idx: [Int] = []
        var r = flat
        for d in shape.reversed() {
            let dd = max(d, 1)
            idx.append(r % dd)
            r /= dd
        }
        return idx.reversed()
    }

    /// Row-major strides (in elements).
    @inline(__always)
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc &*= shape[i]
        }
        return s
    }

    /// numpy-style multidirectional broadcast of two shapes.
    public static func broadcast(_ a: [Int], _ b: [Int]) throws(KernelError) -> [Int] {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw KernelError("shapes \(shapeText(a)) and \(shapeText(b)) cannot be broadcast together")
            }
        }
        return out
    }

    public static func broadcast(_ shapes: [[Int]]) throws(KernelError) -> [Int] {
        var out: [Int] = []
        for s in shapes { out = try broadcast(out, s) }
        return out
    }

    /// Strides of `shape` viewed as `target` (right-aligned, broadcast dims get stride 0).
    public static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let s = strides(shape)
        let off = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 { out[i + off] = s[i] }
        return out
    }

    /// Normalises an axis in [-rank, rank) to [0, rank).
    @inline(__always)
    public static func axis(_ a: Int, rank: Int, what: String = "axis") throws(KernelError) -> Int {
        let r = a < 0 ? a + rank : a
        guard r >= 0 && r < max(rank, 1) else { throw KernelError("\(what) \(a) is out of range for rank \(rank)") }
        return r
    }

    /// Validated shape from an int64 tensor's values or from attributes (non-negative, no overflow,
    /// and small enough to allocate: a 4x4 image with pads of 100000 must fail with an error, not
    /// abort the process when the allocation fails).
    public static func checked(_ dims: [Int], what: String = "shape") throws(KernelError) -> [Int] {
        var n = 1
        for d in dims {
            guard d >= 0 else { throw KernelError("\(what) \(shapeText(dims)) has a negative dimension") }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o, p <= maxElements else {
                throw KernelError("\(what) \(shapeText(dims)) is too large (more than \(maxElements) elements: this machine's memory holds that many float32 values)")
            }
            n = p
        }
        return dims
    }

    /// The most elements a tensor may have: this machine's memory in 4-byte elements (at least
    /// 2^26), so that a hostile shape is an error instead of a failed allocation.
    public static let maxElements: Int = {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0 && size > 0 {
            let (bytes, o) = pages.multipliedReportingOverflow(by: size)
            if !o { return Swift.max(bytes / 4, 1 << 26) }
        }
        #endif
        return 1 << 32
    }()

    /// Merges adjacent dims that are contiguous in every operand (same broadcast pattern), so
    /// element-wise loops run over as few dims as possible. Returns the merged shape and strides.
    public static func coalesce(_ shape: [Int], _ strides: [[Int]]) -> ([Int], [[Int]]) {
        var outShape: [Int] = []
        var outStrides: [[Int]] = Array(repeating: [], count: strides.count)
        for d in 0..<shape.count {
            if shape[d] == 1 { continue }
            if let last = outShape.last {
                var mergeable = true
                for k in 0..<strides.count where outStrides[k].last! != strides[k][d] &* shape[d] { mergeable = false; break }
                if mergeable {
                    outShape[outShape.count - 1] = last * shape[d]
                    for k in 0..<strides.count { outStrides[k][outStrides[k].count - 1] = strides[k][d] }
                    continue
                }
            }
            outShape.append(shape[d])
            for k in 0..<strides.count { outStrides[k].append(strides[k][d]) }
        }
        return (outShape, outStrides)
    }
}
