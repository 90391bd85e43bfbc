import OnnxModel

extension NN {
    /// Layer (a) of the pooling family. Box windows are separable, so an N-D pool runs as one 1-D
    /// pass per spatial axis (last axis first, which keeps MaxPool's row-major first-maximum
    /// tie-break): the cost per output is the sum of the kernel sizes, not their product.
    enum PoolEngine {
        enum Kind { case max, sum }

        /// Per-output tap ranges of a 1-D window: taps t in [t0, t1) hit the input (valid indices
        /// are start + t * dilation); `counted` is the divisor contribution of the axis.
        struct Taps {
            var t0: [Int]
            var t1: [Int]
            var start: [Int]
            var counted: [Int]
        }

        static func taps(_ geo: WindowGeometry, axis d: Int, includePad: Bool) -> Taps {
            let n = geo.inSize[d], k = geo.kernel[d], s = geo.strides[d], dl = geo.dilations[d]
            let out = geo.outSize[d]
            var t = Taps(t0: [], t1: [], start: [], counted: [])
            t.t0.reserveCapacity(out); t.t1.reserveCapacity(out); t.start.reserveCapacity(out); t.counted.reserveCapacity(out)
            for o in 0..<out {
                let start = o * s - geo.padBegin[d]
                // first tap with start + t*dl >= 0, last with start + t*dl < n
                var t0 = start >= 0 ? 0 : (-start + dl - 1) / dl
                var t1 = n - 1 - start < 0 ? 0 : (n - 1 - start) / dl + 1
                t0 = min(t0, k); t1 = min(max(t1, 0), k)
                if t1 < t0 { t1 = t0 }
                var c = t1 - t0
                if includePad {
                    // taps inside [-padBegin, n + padEnd): the declared padding counts, the extra
                    // ceil-mode padding does not
                    let limit = n + geo.padEnd[d] - 1 - start
                    c = limit < 0 ? 0 : min(k, limit / dl + 1)
                }
                t.t0.append(t0); t.t1.append(t1); t.start.append(start); t.counted.append(c)
            }
            return t
        }

        /// One 1-D pass: src [outer, n, inner] -> dst [outer, out, inner]. With `idx`, carries the
        /// source index of each maximum (`srcIdx` nil means the source index is the flat position).
        static func pass<T: FloatElement>(_ kind: Kind, src: UnsafePointer<T>, srcIdx: UnsafePointer<Int>?,
                                          dst: UnsafeMutablePointer<T>, dstIdx: UnsafeMutablePointer<Int>?,
                                          outer: Int, n: Int, inner: Int, taps tp: Taps, dilation dl: Int) {
            let out = tp.t0.count
            let initial: T = kind == .max ? -T.infinity : 0
            for q in 0..<outer {
                let sBase = q * n * inner, dBase = q * out * inner
                for o in 0..<out {
                    let t0 = tp.t0[o], t1 = tp.t1[o], start = tp.start[o]
                    let d = dst + dBase + o * inner
                    if inner == 1 {
                        var acc = initial
                        var best = -1
                        let s = src + sBase + start
                        switch kind {
                        case .sum:
                            for t in t0..<t1 { acc += s[t * dl] }
                        case .max:
                            if let srcIdx {
                                for t in t0..<t1 where s[t * dl] > acc { acc = s[t * dl]; best = srcIdx[sBase + start + t * dl] }
                                if best < 0 && t1 > t0 { acc = s[t0 * dl]; best = srcIdx[sBase + start + t0 * dl] }
                            } else {
                                for t in t0..<t1 where s[t * dl] > acc { acc = s[t * dl]; best = sBase + start + t * dl }
                                if best < 0 && t1 > t0 { acc = s[t0 * dl]; best = sBase + start + t0 * dl }
                            }
                        }
                        d[0] = acc
                        dstIdx?[dBase + o] = best
                    } else {
                        d.update(repeating: initial, count: inner)
                        if let di = dstIdx { (di + dBase + o * inner).update(repeating: -1, count: inner) }
                        for t in t0..<t1 {
                            let off = sBase + (start + t * dl) * inner
                            let s = src + off
                            switch kind {
                            case .sum:
                                for j in 0..<inner { d[j] += s[j] }
                            case .max:
                                if let di = dstIdx {
                                    let dd = di + dBase + o * inner
                                    for j in 0..<inner where s[j] > d[j] || (dd[j] < 0 && !s[j].isNaN) {
                                        d[j] = s[j]
                                        dd[j] = srcIdx?[off + j] ?? (off + j)
                                    }
                                } else {
                                    for j in 0..<inner { d[j] = s[j] > d[j] ? s[j] : d[j] }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// Pools x [P, in...] (P = N*C planes) to [P, out...]. Sum pools are not divided here.
        /// Returns the values and, when `wantIndex`, the flat index (within x) of each maximum.
        static func pool<T: FloatElement>(_ kind: Kind, _ x: UnsafePointer<T>, planes: Int, geo: WindowGeometry,
                                          wantIndex: Bool, includePad: Bool) -> (Scratch<T>, Scratch<Int>?, [Taps]) {
            let r = geo.rank
            var shape = [planes] + geo.inSize
            var cur: Scratch<T>? = nil
            var curIdx: Scratch<Int>? = nil
            var allTaps = [Taps](repeating: Taps(t0: [], t1: [], start: [], counted: []), count: r)
            for d in stride(from: r - 1, through: 0, by: -1) {
                let tp = taps(geo, axis: d, includePad: includePad)
                allTaps[d] = tp
                let outer = Tensor.elementCount(Array(shape[0...d]))
                let n = shape[d + 1]
                let inner = Tensor.elementCount(Array(shape[(d + 2)...]))
                let out = geo.outSize[d]
                let next = Scratch<T>(outer * out * inner)
                let nextIdx: Scratch<Int>? = wantIndex ? Scratch<Int>(outer * out * inner) : nil
                let src = cur.map { UnsafePointer($0.base) } ?? x
                pass(kind, src: src, srcIdx: curIdx.map { UnsafePointer($0.base) }, dst: next.base, dstIdx: nextIdx?.base,
                     outer: outer, n: n, inner: inner, taps: tp, dilation: geo.dilations[d])
                cur = next
                curIdx = nextIdx
                shape[d + 1] = out
            }
            if let cur { return (cur, curIdx, allTaps) }
            // No spatial dims: a copy.
            let c = Scratch<T>(planes)
            c.base.update(from: x, count: planes)
            var ix: Scratch<Int>? = nil
            if wantIndex { let s = Scratch<Int>(planes); for i in 0..<planes { s.base[i] = i }; ix = s }
            return (c, ix, allTaps)
        }

        /// The product over axes of a per-axis quantity at every output position (row-major).
        static func product(_ geo: WindowGeometry, _ perAxis: [[Int]]) -> [Int] {
            var acc = [1]
            for d in 0..<geo.rank {
                var next = [Int]()
                next.reserveCapacity(acc.count * geo.outSize[d])
                for a in acc { for v in perAxis[d] { next.append(a * v) } }
                acc = next
            }
            return acc
        }
    }

    /// Attributes shared by MaxPool, AveragePool and LpPool, and the float-type plumbing.
    struct PoolSpec: Sendable {
        let window: WindowAttributes
        let ceilMode: Bool

        init(_ node: NodeContext, dilations: Bool) throws(KernelError) {
            window = try WindowAttributes(node, dilations: dilations)
            ceilMode = try node.int("ceil_mode", default: 0) != 0
            guard window.kernelShape != nil else { throw KernelError("required attribute 'kernel_shape' is missing") }
        }

        func geometry(_ x: Tensor) throws(KernelError) -> WindowGeometry {
            guard x.rank >= 2 else { throw KernelError("X must have rank >= 2 (N, C, spatial...), got \(shapeText(x.shape))") }
            return try window.resolve(inSize: Array(x.shape[2...]), kernel: nil, ceilMode: ceilMode)
        }
    }
}
