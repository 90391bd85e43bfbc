import OnnxModel

extension NN {
    /// The float types the convolution family computes in, with their OpenBLAS GEMM.
    protocol ConvScalar: FloatElement {
        /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major.
        static func nnGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                         a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                         beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) throws(KernelError)
    }


    /// A scratch buffer of `count` elements (uninitialised), freed when it goes out of scope.
    /// Backed by a TensorBuffer so large scratch space comes from the buffer pool (pages that
    /// are already mapped) instead of fresh pages on every call.
    final class Scratch<T>: @unchecked Sendable {
        let storage: TensorBuffer
        let base: UnsafeMutablePointer<T>
        let count: Int
        init(_ count: Int) {
            self.count = count
            storage = TensorBuffer(byteCount: Swift.max(count, 1) * MemoryLayout<T>.stride)
            base = storage.base.bindMemory(to: T.self, capacity: Swift.max(count, 1))
        }
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
            /// Threads the direct loops may use (GEMM threads are OpenBLAS's own).
            var threads: Int = 1
        }

        /// y[N, M, out...] = sum_{c, k} x[N, c, o*s - p + k*d] * w[M, c, k] (+ b[M]), zero outside the input.
        static func forward<T: ConvScalar>(_ p: Problem, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                           y: UnsafeMutablePointer<T>, winograd: Winograd.Request? = nil,
                                           epilogue: ConvEpilogue? = nil) throws(KernelError) {
            let geo = p.geo
            // The epilogue is float32 only (fused nodes are chosen for float32 convolutions).
            let fy = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
            let epilogue = T.self == Float.self ? epilogue : nil
            let inCount = geo.inCount, outCount = geo.outCount, kk = geo.kernelCount
            let cg = p.inChannels / p.group, mg = p.outChannels / p.group
            let kg = cg * kk
            if p.batch == 0 || p.outChannels == 0 || outCount == 0 { return }
            if cg == 0 || kk == 0 {
                fillBias(y, bias, batch: p.batch, channels: p.outChannels, plane: outCount)
                epilogue?.applyAll(fy, p.batch * p.outChannels * outCount, threads: p.threads)
                return
            }
            // The depthwise kernels pad the plane to the window's reach; a hostile dilation or pad
            // with a tiny output takes im2col instead, whose matrix is only as big as the output.
            if cg == 1 && geo.rank >= 1 && geo.rank <= 2 && depthwisePlaneFits(geo) {
                depthwise(p, x: x, w: w, bias: bias, y: y, epilogue: epilogue)
                return
            }
            if let winograd, try Winograd.forward(p, x: x, w: w, bias: bias, y: y, weights: winograd) {
                epilogue?.applyAll(fy, p.batch * p.outChannels * outCount, threads: p.threads)
                return
            }
            let direct = geo.isPointwise
            if T.self == Float.self && direct && p.group == 1 && pointwiseFits(n: outCount, k: kg) {
                pointwise(p, x: x, w: w, bias: bias, y: y, epilogue: epilogue)
                return
            }
            let col: Scratch<T>? = direct ? nil : Scratch<T>(p.inChannels * kk * outCount)
            for n in 0..<p.batch {
                let xn = x + n * p.inChannels * inCount
                let yn = y + n * p.outChannels * outCount
                let src: UnsafePointer<T>
                if let col {
                    let dst = NN.UnsafeSendableBox(col.base)
                    if T.self == Float.self && geo.rank == 2 && p.threads > 1 && p.inChannels < 2 * p.threads {
                        // Too few channels to split (an RGB stem): split by (channel, kernel row).
                        let kh = geo.kernel[0], rowsPerKy = geo.kernel[1] * outCount
                        let fx = UnsafeRawPointer(xn).assumingMemoryBound(to: Float.self)
                        let fcol = NN.UnsafeSendableBox(UnsafeMutableRawPointer(col.base).assumingMemoryBound(to: Float.self))
                        NN.parallelFor(p.inChannels * kh, threads: p.threads) { rs in
                            for r in rs {
                                im2colKernelRow(fx + (r / kh) * inCount, geo: geo, ky: r % kh, into: fcol.value + r * rowsPerKy)
                            }
                        }
                    } else {
                        NN.parallelFor(p.inChannels, threads: p.threads, minimumPerThread: 2) { cs in
                            im2col(xn + cs.lowerBound * inCount, channels: cs.count, geo: geo, into: dst.value + cs.lowerBound * kk * outCount)
                        }
                    }
                    src = UnsafePointer(col.base)
                } else {
                    src = xn
                }
                // Few input taps (an RGB stem: 27 or 147): the tiled product keeps the im2col
                // block in cache and writes each output once with its bias and activation.
                if T.self == Float.self && p.group == 1 && kg <= 256 && pointwiseFits(n: outCount, k: kg) {
                    tiledProduct(m: p.outChannels, k: kg, n: outCount, w: UnsafeRawPointer(w).assumingMemoryBound(to: Float.self),
                                 x: UnsafeRawPointer(src).assumingMemoryBound(to: Float.self),
                                 bias: bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                                 y: fy, offset: n * p.outChannels * outCount, epilogue: epilogue, threads: p.threads)
                    continue
                }
                // With threads: blocks of every group's GEMM side by side, OpenBLAS on one thread
                // each (it scaled these conv GEMMs poorly on its own): column blocks for wide
                // planes, row (output channel) blocks when the plane is too narrow to split.
                let rowSplit = p.threads > 1 && outCount < 256 * p.threads && p.group == 1 && mg >= 32 * p.threads
                var blocks = p.threads > 1 && !rowSplit ? Swift.max(1, Swift.min(p.threads, outCount / 64)) : 1
                // An epilogue runs on each block just written: blocks of about 256 KiB (and at
                // least 1024 columns, so the GEMM calls stay efficient) are still in cache.
                if epilogue != nil { blocks = Swift.max(blocks, Swift.min(outCount / 1024, mg * outCount / 65536)) }
                let rowBlocks = rowSplit ? p.threads : 1
                if let bias, p.threads <= 1 {
                    for m in 0..<p.outChannels { (yn + m * outCount).update(repeating: bias[m], count: outCount) }
                }
                let beta: T = bias == nil ? 0 : 1
                try NN.parallelGemms(p.group * rowBlocks * blocks, threads: p.threads) { (j: Int) throws(KernelError) in
                    let g = j / (rowBlocks * blocks), r = j / blocks % rowBlocks, b = j % blocks
                    // Block boundaries on multiples of 16 columns (and 8 rows).
                    let lo = (outCount * b / blocks) & ~15, hi = b == blocks - 1 ? outCount : (outCount * (b + 1) / blocks) & ~15
                    let m0 = (mg * r / rowBlocks) & ~7, m1 = r == rowBlocks - 1 ? mg : (mg * (r + 1) / rowBlocks) & ~7
                    if hi <= lo || m1 <= m0 { return }
                    let row0 = g * mg + m0
                    // With threads each block starts from its bias in its own thread, just before the
                    // GEMM reads it back (a serial fill of the whole output held two-thread runs
                    // back); one thread fills it all first, as before (per block, one-thread
                    // MobileNet v2 measured 5% slower). The same values either way.
                    if let bias, p.threads > 1 {
                        for m in row0..<(row0 + m1 - m0) { (yn + m * outCount + lo).update(repeating: bias[m], count: hi - lo) }
                    }
                    try T.nnGemm(transA: false, transB: false, m: m1 - m0, n: hi - lo, k: kg, alpha: 1,
                                 a: w + row0 * kg, lda: kg, b: src + g * kg * outCount + lo, ldb: outCount,
                                 beta: beta, c: yn + row0 * outCount + lo, ldc: outCount)
                    epilogue?.apply(fy, n * p.outChannels * outCount + row0 * outCount + lo, rows: m1 - m0, count: hi - lo, stride: outCount)
                }
            }
        }

        /// Whether the register-tiled pointwise kernel beats bias fill + OpenBLAS GEMM + activation
        /// pass: planes at least one vector wide (a 1 x 1 plane, as in squeeze-excitation blocks,
        /// is a matrix-vector product OpenBLAS streams better), and weight rows not a multiple of
        /// 4 KiB apart: the tile's 12 rows would share one set of the L1 cache (ResNet-50's
        /// 1024- and 2048-channel inputs ran 1.3-1.5x slower than OpenBLAS, which packs them).
        static func pointwiseFits(n: Int, k: Int) -> Bool { n >= 16 && k % 1024 != 0 }

        /// float32 pointwise convolution through CFastMath's register-tiled kernel, one image at a time.
        static func pointwise<T: ConvScalar>(_ p: Problem, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                             y: UnsafeMutablePointer<T>, epilogue: ConvEpilogue?) {
            let n = p.geo.outCount, k = p.inChannels, m = p.outChannels
            let fx = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), fw = UnsafeRawPointer(w).assumingMemoryBound(to: Float.self)
            let fb = bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) }
            let fy = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
            for b in 0..<p.batch {
                tiledProduct(m: m, k: k, n: n, w: fw, x: fx + b * k * n, bias: fb, y: fy, offset: b * m * n, epilogue: epilogue, threads: p.threads)
            }
        }

        /// y[offset ..< offset + m * n] = w[m, k] x[k, n] + bias and the epilogue, stored once per
        /// element: column ranges of whole tiles per thread, or output-channel ranges when the
        /// plane is narrow. The epilogue's pre/mid copies sit at the same offset as y.
        static func tiledProduct(m: Int, k: Int, n: Int, w: UnsafePointer<Float>, x: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                 y: UnsafeMutablePointer<Float>, offset: Int, epilogue: ConvEpilogue?, threads: Int) {
            let tile = FastMath.pointwiseTileColumns, scratchCount = FastMath.pointwiseScratch(k: k)
            let box = NN.UnsafeSendableBox((x, w, bias, y))
            func run(_ rows: Swift.Range<Int>, _ cols: Swift.Range<Int>, _ scratch: UnsafeMutablePointer<Float>) {
                let (x, w, bias, y) = box.value
                FastMath.pointwise(m: m, k: k, n: n, w: w, x: x, bias: bias, y: y + offset, epilogue: epilogue?.kind,
                                   pre: epilogue?.pre.map { $0 + offset }, mid: epilogue?.mid.map { $0 + offset },
                                   stream: epilogue?.stream ?? [],
                                   rows: rows, cols: cols, scratch: scratch, nonfinite: epilogue?.nonfinite)
            }
            let tiles = (n + tile - 1) / tile
            if threads <= 1 {
                let scratch = Scratch<Float>(scratchCount)
                run(0..<m, 0..<n, scratch.base)
            } else if tiles >= 4 * threads && epilogue?.mid == nil {
                // Whole tiles per thread: only the last range has a partial tile.
                NN.parallelFor(tiles, threads: threads) { ts in
                    let scratch = Scratch<Float>(scratchCount)
                    run(0..<m, (ts.lowerBound * tile)..<Swift.min(n, ts.upperBound * tile), scratch.base)
                }
            } else {
                // Narrow planes, or a kept inner value (whole rows stream out in one span): output
                // channels in blocks of 24 (a multiple of every tile height).
                NN.parallelFor((m + 23) / 24, threads: threads) { bs in
                    let scratch = Scratch<Float>(scratchCount)
                    run((bs.lowerBound * 24)..<Swift.min(m, bs.upperBound * 24), 0..<n, scratch.base)
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
            if geo.rank == 2 {
                im2col2D(x, channels: channels, geo: geo, into: col)
                return
            }
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
                                for j in 0..<(hi - lo) { row[lo + j] = s[j &* sw] }
                            }
                            if hi < ow { (row + hi).update(repeating: 0, count: ow - hi) }
                        }
                        row += ow
                    }
                }
            }
        }

        /// im2col for 2-D windows: whole output rows at a time, zero bands computed per kernel tap.
        static func im2col2D<T: ConvScalar>(_ x: UnsafePointer<T>, channels: Int, geo: WindowGeometry, into col: UnsafeMutablePointer<T>) {
            if T.self == Float.self {
                // Vector copies for narrow and strided rows (CFastMath).
                FastMath.im2col2D(ih: geo.inSize[0], iw: geo.inSize[1], oh: geo.outSize[0], ow: geo.outSize[1], kh: geo.kernel[0], kw: geo.kernel[1],
                                  sh: geo.strides[0], sw: geo.strides[1], dh: geo.dilations[0], dw: geo.dilations[1], ph: geo.padBegin[0], pw: geo.padBegin[1],
                                  x: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), channels: channels,
                                  col: UnsafeMutableRawPointer(col).assumingMemoryBound(to: Float.self))
                return
            }
            let ih = geo.inSize[0], iw = geo.inSize[1], oh = geo.outSize[0], ow = geo.outSize[1]
            let kh = geo.kernel[0], kw = geo.kernel[1], sh = geo.strides[0], sw = geo.strides[1]
            let dh = geo.dilations[0], dw = geo.dilations[1], ph = geo.padBegin[0], pw = geo.padBegin[1]
            let plane = oh * ow
            var row = col
            for c in 0..<channels {
                let xc = x + c * ih * iw
                for ky in 0..<kh {
                    let (ylo, yhi) = geo.validRange(0, offset: ky * dh)
                    for kx in 0..<kw {
                        let (xlo, xhi) = geo.validRange(1, offset: kx * dw)
                        let ix0 = xlo * sw - pw + kx * dw
                        let n = xhi - xlo
                        if yhi <= ylo || n <= 0 {
                            row.update(repeating: 0, count: plane)
                            row += plane
                            continue
                        }
                        if ylo > 0 { row.update(repeating: 0, count: ylo * ow) }
                        for oy in ylo..<yhi {
                            let dst = row + oy * ow
                            let src = xc + (oy * sh - ph + ky * dh) * iw + ix0
                            for j in 0..<xlo { dst[j] = 0 }
                            if sw == 1 {
                                if n >= 32 { (dst + xlo).update(from: src, count: n) } else { for j in 0..<n { dst[xlo + j] = src[j] } }
                            } else {
                                for j in 0..<n { dst[xlo + j] = src[j &* sw] }
                            }
                            for j in xhi..<ow { dst[j] = 0 }
                        }
                        if yhi < oh { (row + yhi * ow).update(repeating: 0, count: (oh - yhi) * ow) }
                        row += plane
                    }
                }
            }
        }

        /// Direct convolution for one input channel per group (depthwise, with an optional channel
        /// multiplier), rank 1 or 2: each output row accumulates shifted input rows, so the cost is
        /// one multiply-add per (output, kernel tap) with no im2col copy.
        static func depthwise<T: ConvScalar>(_ p: Problem, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                             y: UnsafeMutablePointer<T>, epilogue: ConvEpilogue? = nil) {
            let geo = p.geo
            if let epilogue, !(T.self == Float.self && geo.strides[geo.rank - 1] <= 4) {
                depthwise(p, x: x, w: w, bias: bias, y: y)
                epilogue.applyAll(UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), p.batch * p.outChannels * geo.outCount, threads: p.threads)
                return
            }
            // The vectorised kernel splits columns into `stride` phases: meant for small strides.
            if T.self == Float.self && geo.strides[geo.rank - 1] <= 4 {
                depthwiseFloat(p, x: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), w: UnsafeRawPointer(w).assumingMemoryBound(to: Float.self),
                               bias: bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                               y: UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), epilogue: epilogue)
                return
            }
            let two = geo.rank == 2
            let ih = two ? geo.inSize[0] : 1, iw = geo.inSize[geo.rank - 1]
            let oh = two ? geo.outSize[0] : 1, ow = geo.outSize[geo.rank - 1]
            let kh = two ? geo.kernel[0] : 1, kw = geo.kernel[geo.rank - 1]
            let sh = two ? geo.strides[0] : 1, sw = geo.strides[geo.rank - 1]
            let dh = two ? geo.dilations[0] : 1, dw = geo.dilations[geo.rank - 1]
            let ph = two ? geo.padBegin[0] : 0, pw = geo.padBegin[geo.rank - 1]
            let mg = p.outChannels / p.group
            let inPlane = ih * iw, outPlane = oh * ow, kk = kh * kw
            // Each input plane is copied into a zero-padded window covering every tap, so the
            // output loops need no bounds checks: padH x padW with the image at (ph, pw).
            let padH = (oh - 1) * sh + (kh - 1) * dh + 1, padW = (ow - 1) * sw + (kw - 1) * dw + 1
            let box = NN.UnsafeSendableBox((x, w, bias, y))
            NN.parallelFor(p.batch * p.outChannels, threads: p.threads, minimumPerThread: 4) { planes in
                let (x, w, bias, y) = box.value
                let padded = Scratch<T>(padH * padW)
                let pad = padded.base
                var lastInput = -1
                for plane in planes {
                    let (n, m) = (plane / p.outChannels, plane % p.outChannels)
                    let c = m / mg
                    let input = n * p.inChannels + c
                    if input != lastInput {
                        // Rows/columns of the padded window that hold image pixels.
                        pad.update(repeating: 0, count: padH * padW)
                        let xp = x + input * inPlane
                        let r0 = Swift.max(0, ph), r1 = Swift.min(padH, ph + ih)
                        let c0 = Swift.max(0, pw), c1 = Swift.min(padW, pw + iw)
                        if r1 > r0 && c1 > c0 {
                            for r in r0..<r1 { (pad + r * padW + c0).update(from: xp + (r - ph) * iw + (c0 - pw), count: c1 - c0) }
                        }
                        lastInput = input
                    }
                    let yp = y + plane * outPlane
                    let wp = w + m * kk
                    let b = bias?[m] ?? 0
                    for oy in 0..<oh {
                        let d = yp + oy * ow
                        let base = pad + oy * sh * padW
                        if kh == 3 && kw == 3 && dh == 1 && dw == 1 && (sw == 1 || sw == 2) {
                            let r0 = base, r1 = base + padW, r2 = base + 2 * padW
                            let w00 = wp[0], w01 = wp[1], w02 = wp[2], w10 = wp[3], w11 = wp[4], w12 = wp[5], w20 = wp[6], w21 = wp[7], w22 = wp[8]
                            if sw == 1 {
                                for j in 0..<ow {
                                    var a = b + w00 * r0[j] + w01 * r0[j &+ 1] + w02 * r0[j &+ 2]
                                    a += w10 * r1[j] + w11 * r1[j &+ 1] + w12 * r1[j &+ 2]
                                    a += w20 * r2[j] + w21 * r2[j &+ 1] + w22 * r2[j &+ 2]
                                    d[j] = a
                                }
                            } else {
                                for j in 0..<ow {
                                    let q = j &* 2
                                    var a = b + w00 * r0[q] + w01 * r0[q &+ 1] + w02 * r0[q &+ 2]
                                    a += w10 * r1[q] + w11 * r1[q &+ 1] + w12 * r1[q &+ 2]
                                    a += w20 * r2[q] + w21 * r2[q &+ 1] + w22 * r2[q &+ 2]
                                    d[j] = a
                                }
                            }
                            continue
                        }
                        d.update(repeating: b, count: ow)
                        for ky in 0..<kh {
                            let r = base + ky * dh * padW
                            let wk = wp + ky * kw
                            if kw == 5 && dw == 1 && sw == 1 {
                                let w0 = wk[0], w1 = wk[1], w2 = wk[2], w3 = wk[3], w4 = wk[4]
                                for j in 0..<ow { d[j] += w0 * r[j] + w1 * r[j &+ 1] + w2 * r[j &+ 2] + w3 * r[j &+ 3] + w4 * r[j &+ 4] }
                            } else if kw == 3 && dw == 1 && sw == 1 {
                                let w0 = wk[0], w1 = wk[1], w2 = wk[2]
                                for j in 0..<ow { d[j] += w0 * r[j] + w1 * r[j &+ 1] + w2 * r[j &+ 2] }
                            } else {
                                for kx in 0..<kw {
                                    let wv = wk[kx], rk = r + kx * dw
                                    if sw == 1 {
                                        for j in 0..<ow { d[j] += wv * rk[j] }
                                    } else {
                                        for j in 0..<ow { d[j] += wv * rk[j &* sw] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        static func depthwisePlaneFits(_ geo: WindowGeometry) -> Bool {
            var n = 1
            for d in 0..<geo.rank {
                let reach = (geo.outSize[d] - 1) * geo.strides[d] + (geo.kernel[d] - 1) * geo.dilations[d] + 1 + 16
                let (p, o) = n.multipliedReportingOverflow(by: reach)
                // The float32 kernel's scratch holds about three padded planes.
                if o || p > Shapes.maxElements / 4 { return false }
                n = p
            }
            return true
        }

        /// float32 depthwise through the vectorised kernel in CFastMath (all taps of 16 outputs
        /// accumulate in one register; 5-12x faster than row passes on ConvNeXt's 7x7 windows).
        static func depthwiseFloat(_ p: Problem, x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                   y: UnsafeMutablePointer<Float>, epilogue: ConvEpilogue? = nil) {
            let geo = p.geo
            let two = geo.rank == 2, last = geo.rank - 1
            var s = FastMath.DepthwiseShape()
            s.batch = p.batch
            s.inChannels = p.inChannels
            s.outChannels = p.outChannels
            s.multiplier = p.outChannels / p.group
            if two {
                (s.ih, s.oh, s.kh, s.sh, s.dh, s.ph) = (geo.inSize[0], geo.outSize[0], geo.kernel[0], geo.strides[0], geo.dilations[0], geo.padBegin[0])
            }
            (s.iw, s.ow, s.kw, s.sw, s.dw, s.pw) = (geo.inSize[last], geo.outSize[last], geo.kernel[last], geo.strides[last], geo.dilations[last], geo.padBegin[last])
            let scratchCount = s.scratchCount
            let box = NN.UnsafeSendableBox((x, w, bias, y))
            NN.parallelFor(p.batch * p.outChannels, threads: p.threads, minimumPerThread: 4) { planes in
                let (x, w, bias, y) = box.value
                let scratch = Scratch<Float>(scratchCount)
                guard let epilogue else {
                    FastMath.depthwise(s, x: x, w: w, bias: bias, y: y, planes: planes, scratch: scratch.base)
                    return
                }
                // Batches of planes, each finished while it is in cache.
                let outPlane = Swift.max(s.oh * s.ow, 1)
                // Small planes in multiples of 16 (the kernel runs them 16 at a time, one per
                // lane); large ones a plane or a few at a time, so the batch stays in L2.
                let step = outPlane <= 256 ? Swift.max(16, (8192 / outPlane) & ~15) : Swift.max(1, 16384 / outPlane)
                var lo = planes.lowerBound
                while lo < planes.upperBound {
                    let hi = Swift.min(lo + step, planes.upperBound)
                    FastMath.depthwise(s, x: x, w: w, bias: bias, y: y, planes: lo..<hi, scratch: scratch.base)
                    epilogue.apply(y, lo * outPlane, (hi - lo) * outPlane)
                    lo = hi
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
                        for j in 0..<(hi - lo) { dst[j &* sw] += src[j] }
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
