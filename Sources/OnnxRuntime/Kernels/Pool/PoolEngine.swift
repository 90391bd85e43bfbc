import OnnxModel

extension NN {
    /// Layer (a) of the pooling family. Box windows are separable, so an N-D pool runs as one 1-D
    /// pass per spatial axis: the cost per output is the sum of the kernel sizes, not their
    /// product. Without indices the first axis goes first (its pass runs over whole contiguous
    /// rows, vectorised, and shrinks what the strided last-axis pass reads); with indices the last
    /// axis goes first, which keeps MaxPool's row-major first-maximum tie-break.
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
                                          outer: Int, n: Int, inner: Int, taps tp: Taps, dilation dl: Int, threads: Int = 1) {
            let out = tp.t0.count
            let boxes = NN.UnsafeSendableBox((src, srcIdx, dst, dstIdx))
            tp.t0.withUnsafeBufferPointer { t0s in
                tp.t1.withUnsafeBufferPointer { t1s in
                    tp.start.withUnsafeBufferPointer { starts in
                        let taps = NN.UnsafeSendableBox((t0s, t1s, starts))
                        NN.parallelFor(outer, threads: threads, minimumPerThread: Swift.max(1, 4096 / Swift.max(n * inner, 1))) { qs in
                            let (src, srcIdx, dst, dstIdx) = boxes.value
                            let (t0s, t1s, starts) = taps.value
                            // One sliding-window row buffer per chunk (see passRowSliding).
                            var k = 0
                            for o in 0..<out { k = Swift.max(k, t1s[o] &- t0s[o]) }
                            let sliding = dstIdx == nil && inner == 1 && dl == 1 && k >= 2 && out >= 8 ? Scratch<T>(n) : nil
                            for q in qs {
                                let s = src + q &* n &* inner, d = dst + q &* out &* inner
                                if let dstIdx {
                                    passMaxIndex(s, srcIdx.map { $0 + q &* n &* inner }, base: q &* n &* inner, d, dstIdx + q &* out &* inner,
                                                 out: out, inner: inner, t0s, t1s, starts, dl)
                                } else if let sliding {
                                    passRowSliding(kind, s, d, n: n, k: k, out: out, t0s, t1s, starts, window: sliding.base)
                                } else if inner == 1 {
                                    passRow(kind, s, d, out: out, t0s, t1s, starts, dl)
                                } else {
                                    passRows(kind, s, d, out: out, inner: inner, t0s, t1s, starts, dl)
                                }
                            }
                        }
                    }
                }
            }
        }

        /// Along a contiguous row (inner == 1), no indices.
        @inline(__always)
        static func passRow<T: FloatElement>(_ kind: Kind, _ s: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>, out: Int,
                                             _ t0s: UnsafeBufferPointer<Int>, _ t1s: UnsafeBufferPointer<Int>,
                                             _ starts: UnsafeBufferPointer<Int>, _ dl: Int) {
            if kind == .max {
                for o in 0..<out {
                    let w = s + starts[o]
                    var acc = -T.infinity
                    var t = t0s[o]
                    let t1 = t1s[o]
                    while t < t1 { let v = w[t &* dl]; acc = v > acc ? v : acc; t &+= 1 }
                    d[o] = acc
                }
            } else {
                for o in 0..<out {
                    let w = s + starts[o]
                    var acc: T = 0
                    var t = t0s[o]
                    let t1 = t1s[o]
                    while t < t1 { acc += w[t &* dl]; t &+= 1 }
                    d[o] = acc
                }
            }
        }

        /// A row pass with unit dilation through a sliding window over the whole row: w[j] is the
        /// max (or sum) of x[j ..< min(j + k, n)], built with k - 1 contiguous, vectorisable sweeps
        /// instead of k strided loads per output; an output whose window starts inside the row is
        /// then w[start]. Windows clipped by begin padding are reduced directly. Sums add in tap
        /// order and NaN never wins a max, as in `passRow`.
        @inline(__always)
        static func passRowSliding<T: FloatElement>(_ kind: Kind, _ s: UnsafePointer<T>, _ d: UnsafeMutablePointer<T>, n: Int, k: Int, out: Int,
                                                    _ t0s: UnsafeBufferPointer<Int>, _ t1s: UnsafeBufferPointer<Int>,
                                                    _ starts: UnsafeBufferPointer<Int>, window wp: UnsafeMutablePointer<T>) {
            if kind == .max {
                for j in 0..<n { let v = s[j]; wp[j] = v.isNaN ? -T.infinity : v }
                var p = 1
                while p < k {
                    // After sweep p, wp[j] is the max of x[j ... min(j + p, n - 1)].
                    for j in 0..<(n &- p) { let v = wp[j &+ 1]; wp[j] = v > wp[j] ? v : wp[j] }
                    p &+= 1
                }
            } else {
                wp.update(from: s, count: n)
                var t = 1
                while t < k {
                    let st = s + t
                    for j in 0..<(n &- t) { wp[j] += st[j] }
                    t &+= 1
                }
            }
            for o in 0..<out {
                let t0 = t0s[o], t1 = t1s[o], start = starts[o]
                if t1 <= t0 {
                    d[o] = kind == .max ? -T.infinity : 0
                } else if t0 == 0 {
                    // taps [0, t1) with t1 = min(k, n - start): exactly what wp[start] covers
                    d[o] = wp[start]
                } else {
                    var acc: T = kind == .max ? -T.infinity : 0
                    var t = t0
                    while t < t1 {
                        let v = s[start &+ t]
                        if kind == .max { acc = v > acc ? v : acc } else { acc += v }
                        t &+= 1
                    }
                    d[o] = acc
                }
            }
        }

        /// Across rows of `inner` contiguous values (vectorised over the row), no indices.
        @inline(__always)
        static func passRows<T: FloatElement>(_ kind: Kind, _ s: UnsafePointer<T>, _ d0: UnsafeMutablePointer<T>, out: Int, inner: Int,
                                              _ t0s: UnsafeBufferPointer<Int>, _ t1s: UnsafeBufferPointer<Int>,
                                              _ starts: UnsafeBufferPointer<Int>, _ dl: Int) {
            for o in 0..<out {
                let d = d0 + o &* inner
                let t0 = t0s[o], t1 = t1s[o], start = starts[o]
                if t1 <= t0 {
                    d.update(repeating: kind == .max ? -T.infinity : 0, count: inner)
                    continue
                }
                var t = t0
                if kind == .sum {
                    d.update(from: s + (start &+ t0 &* dl) &* inner, count: inner)
                    t &+= 1
                } else {
                    d.update(repeating: -T.infinity, count: inner)
                }
                while t < t1 {
                    let r = s + (start &+ t &* dl) &* inner
                    if kind == .max {
                        for j in 0..<inner { let v = r[j]; d[j] = v > d[j] ? v : d[j] }
                    } else {
                        for j in 0..<inner { d[j] += r[j] }
                    }
                    t &+= 1
                }
            }
        }

        /// MaxPool with indices: each maximum carries its flat source index (the first maximum
        /// wins; NaN never does unless the window has nothing else).
        static func passMaxIndex<T: FloatElement>(_ s: UnsafePointer<T>, _ si: UnsafePointer<Int>?, base: Int,
                                                  _ d0: UnsafeMutablePointer<T>, _ di0: UnsafeMutablePointer<Int>, out: Int, inner: Int,
                                                  _ t0s: UnsafeBufferPointer<Int>, _ t1s: UnsafeBufferPointer<Int>,
                                                  _ starts: UnsafeBufferPointer<Int>, _ dl: Int) {
            for o in 0..<out {
                let d = d0 + o &* inner, di = di0 + o &* inner
                d.update(repeating: -T.infinity, count: inner)
                di.update(repeating: -1, count: inner)
                for t in t0s[o]..<Swift.max(t1s[o], t0s[o]) {
                    let off = (starts[o] &+ t &* dl) &* inner
                    let r = s + off
                    for j in 0..<inner where r[j] > d[j] || (di[j] < 0 && !r[j].isNaN) {
                        d[j] = r[j]
                        di[j] = si?[off &+ j] ?? (base &+ off &+ j)
                    }
                }
                for j in 0..<inner where di[j] < 0 && t1s[o] > t0s[o] {
                    let off = (starts[o] &+ t0s[o] &* dl) &* inner &+ j
                    d[j] = s[off]
                    di[j] = si?[off] ?? (base &+ off)
                }
            }
        }

        /// Whether cfm_pool2d's scratch row (the padded input row, or the span the outputs' windows
        /// reach) stays modest: hostile pads, strides or kernels take the generic path instead.
        static func fastRowFits(_ geo: WindowGeometry) -> Bool {
            let limit = 1 << 24
            let (span, o1) = (geo.outSize[1] - 1).multipliedReportingOverflow(by: geo.strides[1])
            return !o1 && span < limit && geo.kernel[1] < limit && geo.padBegin[1] >= 0 && geo.padBegin[1] < limit
                && geo.padBegin[0] >= 0 && geo.inSize[1] < limit
        }

        /// Pools x [P, in...] (P = N*C planes) to [P, out...]. Sum pools are not divided here.
        /// Returns the values and, when `wantIndex`, the flat index (within x) of each maximum.
        static func pool<T: FloatElement>(_ kind: Kind, _ x: UnsafePointer<T>, planes: Int, geo: WindowGeometry,
                                          wantIndex: Bool, includePad: Bool, threads: Int = 1) -> (Scratch<T>, Scratch<Int>?, [Taps]) {
            let r = geo.rank
            if T.self == Float.self, !wantIndex, r == 2, geo.dilations == [1, 1], geo.kernel.allSatisfy({ $0 > 0 }),
               geo.strides.allSatisfy({ $0 > 0 }), geo.inSize.allSatisfy({ $0 > 0 }), fastRowFits(geo) {
                // The common 2-D case in one vectorised pass per output row (CFastMath).
                let allTaps = (0..<r).map { taps(geo, axis: $0, includePad: includePad) }
                let inCount = geo.inCount, outCount = geo.outCount
                let out = Scratch<T>(planes * outCount)
                let box = NN.UnsafeSendableBox((UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                             UnsafeMutableRawPointer(out.base).assumingMemoryBound(to: Float.self)))
                NN.parallelFor(planes, threads: threads, minimumPerThread: Swift.max(1, 16384 / Swift.max(inCount, 1))) { ps in
                    let (xf, yf) = box.value
                    FastMath.pool2d(geo, sum: kind == .sum, xf + ps.lowerBound * inCount, yf + ps.lowerBound * outCount, planes: ps.count)
                }
                return (out, nil, allTaps)
            }
            var shape = [planes] + geo.inSize
            var cur: Scratch<T>? = nil
            var curIdx: Scratch<Int>? = nil
            var allTaps = [Taps](repeating: Taps(t0: [], t1: [], start: [], counted: []), count: r)
            for d in wantIndex ? Array(stride(from: r - 1, through: 0, by: -1)) : Array(0..<r) {
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
                     outer: outer, n: n, inner: inner, taps: tp, dilation: geo.dilations[d], threads: threads)
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
