import OnnxModel

extension NN {
    /// The float types the convolution family computes in, with their OpenBLAS GEMM.
    protocol ConvScalar: FloatElement {
        /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major.
        static func nnGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                         a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                         beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) throws(KernelError)
    }


    /// A scratch buffer of `count` elements, freed when it goes out of scope.
    final class Scratch<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>
        let count: Int
        init(_ count: Int) {
            self.count = count
            base = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        }
        deinit { base.deallocate() }
    }

    /// Layer (a) of the convolution family: forward and transposed convolution over raw float
    /// buffers in NC<spatial> layout. General shapes go through im2col + OpenBLAS GEMM (1x1 windows
    /// with unit strides skip the im2col copy); depthwise windows (one input channel per group) of
    /// rank 1 or 2 use a direct kernel that never materialises the im2col matrix.
    enum ConvEngine {
        /// Shape of one convolution call.
        struct Problem {
            var batch: Int
            var inChannels: Int
            var outChannels: Int
            var group: Int
            var geo: WindowGeometry
        }

        /// y[N, M, out...] = sum_{c, k} x[N, c, o*s - p + k*d] * w[M, c, k] (+ b[M]), zero outside the input.
        static func forward<T: ConvScalar>(_ p: Problem, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                           y: UnsafeMutablePointer<T>) throws(KernelError) {
            let geo = p.geo
            let inCount = geo.inCount, outCount = geo.outCount, kk = geo.kernelCount
            let cg = p.inChannels / p.group, mg = p.outChannels / p.group
            let kg = cg * kk
            if p.batch == 0 || p.outChannels == 0 || outCount == 0 { return }
            if cg == 0 || kk == 0 {
                fillBias(y, bias, batch: p.batch, channels: p.outChannels, plane: outCount)
                return
            }
            if cg == 1 && geo.rank >= 1 && geo.rank <= 2 {
                depthwise(p, x: x, w: w, bias: bias, y: y)
                return
            }
            let direct = geo.isPointwise
            let col: Scratch<T>? = direct ? nil : Scratch<T>(p.inChannels * kk * outCount)
            for n in 0..<p.batch {
                let xn = x + n * p.inChannels * inCount
                let yn = y + n * p.outChannels * outCount
                let src: UnsafePointer<T>
                if let col {
                    im2col(xn, channels: p.inChannels, geo: geo, into: col.base)
                    src = UnsafePointer(col.base)
                } else {
                    src = xn
                }
                if let bias {
                    for m in 0..<p.outChannels { (yn + m * outCount).update(repeating: bias[m], count: outCount) }
                }
                for g in 0..<p.group {
                    try T.nnGemm(transA: false, transB: false, m: mg, n: outCount, k: kg, alpha: 1,
                               a: w + g * mg * kg, lda: kg, b: src + g * kg * outCount, ldb: outCount,
                               beta: bias == nil ? 0 : 1, c: yn + g * mg * outCount, ldc: outCount)
                }
            }
        }

        static func fillBias<T: ConvScalar>(_ y: UnsafeMutablePointer<T>, _ bias: UnsafePointer<T>?, batch: Int, channels: Int, plane: Int) {
            for n in 0..<batch {
                for m in 0..<channels { (y + (n * channels + m) * plane).update(repeating: bias?[m] ?? 0, count: plane) }
            }
        }

        /// Multi-index of flat `i` in `shape` (row-major), written into `idx`.
        @inline(__always)
        static func unflatten(_ i: Int, _ shape: [Int], into idx: inout [Int]) {
            var r = i
            for d in stride(from: shape.count - 1, through: 0, by: -1) {
                idx[d] = r % shape[d]
                r /= shape[d]
            }
        }

        /// col[(c * K + k) * O + o] = x[c, o * s - p + k * d] (0 outside): one row per (channel,
        /// kernel offset), one column per output position.
        static func im2col<T: ConvScalar>(_ x: UnsafePointer<T>, channels: Int, geo: WindowGeometry, into col: UnsafeMutablePointer<T>) {
            let r = geo.rank
            let inCount = geo.inCount, outCount = geo.outCount, kk = geo.kernelCount
            let last = r - 1
            let ow = geo.outSize[last], sw = geo.strides[last]
            let outer = outCount / max(ow, 1)
            let inStrides = Shapes.strides(geo.inSize)
            var k = [Int](repeating: 0, count: r)
            var o = [Int](repeating: 0, count: r)
            let outerShape = Array(geo.outSize[0..<last])
            for kidx in 0..<kk {
                unflatten(kidx, geo.kernel, into: &k)
                let (lo, hi) = geo.validRange(last, offset: k[last] * geo.dilations[last])
                let ix0 = lo * sw - geo.padBegin[last] + k[last] * geo.dilations[last]
                for c in 0..<channels {
                    let xc = x + c * inCount
                    var row = col + (c * kk + kidx) * outCount
                    for q in 0..<outer {
                        // Input offset of the outer dims for output row q.
                        var off = 0
                        var valid = hi > lo
                        if r > 1 {
                            unflatten(q, outerShape, into: &o)
                            for d in 0..<last {
                                let i = o[d] * geo.strides[d] - geo.padBegin[d] + k[d] * geo.dilations[d]
                                if i < 0 || i >= geo.inSize[d] { valid = false; break }
                                off += i * inStrides[d]
                            }
                        }
                        if !valid {
                            row.update(repeating: 0, count: ow)
                        } else {
                            if lo > 0 { row.update(repeating: 0, count: lo) }
                            let s = xc + off + ix0
                            if sw == 1 {
                                (row + lo).update(from: s, count: hi - lo)
                            } else {
                                for j in 0..<(hi - lo) { row[lo + j] = s[j * sw] }
                            }
                            if hi < ow { (row + hi).update(repeating: 0, count: ow - hi) }
                        }
                        row += ow
                    }
                }
            }
        }

        /// Direct convolution for one input channel per group (depthwise, with an optional channel
        /// multiplier), rank 1 or 2: each output row accumulates shifted input rows, so the cost is
        /// one multiply-add per (output, kernel tap) with no im2col copy.
        static func depthwise<T: ConvScalar>(_ p: Problem, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                             y: UnsafeMutablePointer<T>) {
            let geo = p.geo
            let two = geo.rank == 2
            let ih = two ? geo.inSize[0] : 1, iw = geo.inSize[geo.rank - 1]
            let oh = two ? geo.outSize[0] : 1, ow = geo.outSize[geo.rank - 1]
            let kh = two ? geo.kernel[0] : 1, kw = geo.kernel[geo.rank - 1]
            let sh = two ? geo.strides[0] : 1, sw = geo.strides[geo.rank - 1]
            let dh = two ? geo.dilations[0] : 1, dw = geo.dilations[geo.rank - 1]
            let ph = two ? geo.padBegin[0] : 0, pw = geo.padBegin[geo.rank - 1]
            let wdim = geo.rank - 1
            // Valid output column range and first input column for every kernel column.
            var ranges = [(lo: Int, hi: Int, ix: Int)]()
            ranges.reserveCapacity(kw)
            for kx in 0..<kw {
                let (lo, hi) = geo.validRange(wdim, offset: kx * dw)
                ranges.append((lo, hi, lo * sw - pw + kx * dw))
            }
            let mg = p.outChannels / p.group
            let inPlane = ih * iw, outPlane = oh * ow, kk = kh * kw
            ranges.withUnsafeBufferPointer { rg in
                for n in 0..<p.batch {
                    for m in 0..<p.outChannels {
                        let c = m / mg
                        let xp = x + (n * p.inChannels + c) * inPlane
                        let yp = y + (n * p.outChannels + m) * outPlane
                        let wp = w + m * kk
                        yp.update(repeating: bias?[m] ?? 0, count: outPlane)
                        for oy in 0..<oh {
                            let row = yp + oy * ow
                            for ky in 0..<kh {
                                let iy = oy * sh - ph + ky * dh
                                if iy < 0 || iy >= ih { continue }
                                let xrow = xp + iy * iw
                                for kx in 0..<kw {
                                    let wv = wp[ky * kw + kx]
                                    let (lo, hi, ix) = rg[kx]
                                    if hi <= lo { continue }
                                    let s = xrow + ix
                                    let d = row + lo
                                    if sw == 1 {
                                        for j in 0..<(hi - lo) { d[j] += wv * s[j] }
                                    } else {
                                        for j in 0..<(hi - lo) { d[j] += wv * s[j * sw] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// Transposed convolution: y[N, M, out...] (zeroed or bias-filled here) receives
        /// x[N, c, i] * w[c, m, k] at out position i * s - p + k * d. `geo` describes the forward
        /// direction: `inSize` is the output of this op, `outSize` its input.
        static func transposed<T: ConvScalar>(_ p: Problem, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                              y: UnsafeMutablePointer<T>) throws(KernelError) {
            let geo = p.geo
            let xCount = geo.outCount, yCount = geo.inCount, kk = geo.kernelCount
            let cg = p.inChannels / p.group, mg = p.outChannels / p.group
            fillBias(y, bias, batch: p.batch, channels: p.outChannels, plane: yCount)
            if p.batch == 0 || xCount == 0 || yCount == 0 || kk == 0 || cg == 0 || mg == 0 { return }
            let rows = mg * kk
            let col = Scratch<T>(rows * xCount)
            for n in 0..<p.batch {
                for g in 0..<p.group {
                    // col[m * K + k, i] = sum_c w[c, m, k] * x[c, i]
                    try T.nnGemm(transA: true, transB: false, m: rows, n: xCount, k: cg, alpha: 1,
                               a: w + g * cg * rows, lda: rows, b: x + (n * p.inChannels + g * cg) * xCount, ldb: xCount,
                               beta: 0, c: col.base, ldc: xCount)
                    col2im(UnsafePointer(col.base), channels: mg, geo: geo, into: y + (n * p.outChannels + g * mg) * yCount)
                }
            }
        }

        /// The adjoint of im2col: y[c, o * s - p + k * d] += col[(c * K + k) * O + o] for every
        /// in-range target (here `inSize` is the image being accumulated into).
        static func col2im<T: ConvScalar>(_ col: UnsafePointer<T>, channels: Int, geo: WindowGeometry, into y: UnsafeMutablePointer<T>) {
            let r = geo.rank
            let imCount = geo.inCount, colCount = geo.outCount, kk = geo.kernelCount
            if r == 0 {
                for c in 0..<channels { y[c] += col[c] }
                return
            }
            let last = r - 1
            let ow = geo.outSize[last], sw = geo.strides[last]
            let outer = colCount / max(ow, 1)
            let imStrides = Shapes.strides(geo.inSize)
            var k = [Int](repeating: 0, count: r)
            var o = [Int](repeating: 0, count: r)
            let outerShape = Array(geo.outSize[0..<last])
            for kidx in 0..<kk {
                unflatten(kidx, geo.kernel, into: &k)
                let (lo, hi) = geo.validRange(last, offset: k[last] * geo.dilations[last])
                if hi <= lo { continue }
                let ix0 = lo * sw - geo.padBegin[last] + k[last] * geo.dilations[last]
                for q in 0..<outer {
                    var off = 0
                    var valid = true
                    if r > 1 {
                        unflatten(q, outerShape, into: &o)
                        for d in 0..<last {
                            let i = o[d] * geo.strides[d] - geo.padBegin[d] + k[d] * geo.dilations[d]
                            if i < 0 || i >= geo.inSize[d] { valid = false; break }
                            off += i * imStrides[d]
                        }
                    }
                    if !valid { continue }
                    for c in 0..<channels {
                        let src = col + (c * kk + kidx) * colCount + q * ow + lo
                        let dst = y + c * imCount + off + ix0
                        for j in 0..<(hi - lo) { dst[j * sw] += src[j] }
                    }
                }
            }
        }
    }

    /// Float tensors for the convolution family: float and double compute natively, the reduced
    /// float types (float16, bfloat16) in float32 and round back.
    enum ConvTypes {
        static func check(_ t: Tensor, _ what: String) throws(KernelError) {
            guard t.dtype == .float || t.dtype == .double || t.dtype.isReducedFloat else {
                throw KernelError.unsupported("\(what) type \(t.dtype.name) is not supported")
            }
        }

        /// The compute type for `t`: double stays double, everything else is float32.
        static func compute(_ t: DataType) -> DataType { t == .double ? .double : .float }

        static func to(_ x: Tensor, _ t: DataType) throws(KernelError) -> Tensor { x.dtype == t ? x : try Cast.convert(x, to: t) }
    }
}

extension Float: NN.ConvScalar {
    @inline(__always)
    static func nnGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws(KernelError) {
        try BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

extension Double: NN.ConvScalar {
    @inline(__always)
    static func nnGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                     a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                     beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) throws(KernelError) {
        try BLAS.dgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}
