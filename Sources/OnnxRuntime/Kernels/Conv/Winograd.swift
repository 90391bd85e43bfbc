import OnnxModel
import Synchronization

extension NN {
    /// Winograd F(2x2, 3x3) for float32 3x3 convolutions with unit strides and dilations: each 2x2
    /// output tile costs 16 multiplies per (filter, channel) instead of 36, done as 16 OpenBLAS
    /// GEMMs U[xi] (M x C) * V[xi] (C x tiles), one per position xi of the 4x4 transform domain.
    /// Y = A^T [ (G g G^T) . (B^T d B) ] A with
    ///   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
    ///   A^T = [1 1 1 0; 0 1 -1 -1].
    enum Winograd {
        /// The convolutions this path takes. Few channels leave the GEMMs too thin to pay for the
        /// transforms; few tiles per weight make the GEMMs stream more U (16/9 the weights) than
        /// they compute with it (512 channels on a 7x7 plane lost to im2col, on 14x14 won).
        static func applies(_ p: ConvEngine.Problem) -> Bool {
            let geo = p.geo
            guard geo.rank == 2, geo.kernel == [3, 3], geo.strides == [1, 1], geo.dilations == [1, 1] else { return false }
            let cg = p.inChannels / p.group, mg = p.outChannels / p.group
            guard cg >= 8, mg >= 8, geo.outSize[0] >= 4, geo.outSize[1] >= 4 else { return false }
            let weights = p.outChannels * cg
            return weights <= maximumWeights && weights <= tiles(p) * weightsPerTile
        }

        /// Most weights (M * cg) per tile of a GEMM: 512 channels need a 14x14 plane or batch 2.
        static let weightsPerTile = 8192
        /// Most weights per node: U (16/9 the weights) is kept for the node's lifetime, at most 64 MB.
        static let maximumWeights = 1 << 20

        /// 2x2 output tiles over the batch.
        static func tiles(_ p: ConvEngine.Problem) -> Int { p.batch * ((p.geo.outSize[0] + 1) / 2) * ((p.geo.outSize[1] + 1) / 2) }

        /// U[xi][m][c] = (G g G^T)[xi] for w [M, cg, 3, 3]: 16 * M * cg floats.
        static func transformWeights(_ w: UnsafePointer<Float>, outChannels: Int, cg: Int) -> TensorBuffer {
            let mc = outChannels * cg
            let buffer = TensorBuffer(byteCount: 16 * mc * MemoryLayout<Float>.stride)
            let u = buffer.base.bindMemory(to: Float.self, capacity: 16 * mc)
            // Each row (a, b, d) of Gg times G^T gives (a, (a+b+d)/2, (a-b+d)/2, d).
            @inline(__always) func row(_ k: Int, _ i: Int, _ a: Float, _ b: Float, _ d: Float) {
                u[(k * 4 + 0) * mc + i] = a
                u[(k * 4 + 1) * mc + i] = 0.5 * (a + b + d)
                u[(k * 4 + 2) * mc + i] = 0.5 * (a - b + d)
                u[(k * 4 + 3) * mc + i] = d
            }
            for i in 0..<mc {
                let g = w + i * 9
                // Gg: the same combination of the kernel's three rows.
                @inline(__always) func gg(_ c: Int) -> (Float, Float, Float, Float) {
                    let a = g[c], b = g[3 + c], d = g[6 + c]
                    return (a, 0.5 * (a + b + d), 0.5 * (a - b + d), d)
                }
                let c0 = gg(0), c1 = gg(1), c2 = gg(2)
                row(0, i, c0.0, c1.0, c2.0)
                row(1, i, c0.1, c1.1, c2.1)
                row(2, i, c0.2, c1.2, c2.2)
                row(3, i, c0.3, c1.3, c2.3)
            }
            return buffer
        }

        /// Tiles per block: V and the GEMM results of a block (16 * (C + M) floats per tile) stay
        /// near L2 size, but a block holds at least `minimumBlockTiles` so the GEMMs are not too thin.
        static let blockBytes = 1 << 20
        static let minimumBlockTiles = 64

        /// Tile rows (over the batch) per block.
        static func blockRows(_ p: ConvEngine.Problem) -> Int {
            let c = p.inChannels, m = p.outChannels, cg = c / p.group
            let tx = (p.geo.outSize[1] + 1) / 2, rows = p.batch * ((p.geo.outSize[0] + 1) / 2)
            let perTile = 16 * (c + m) * MemoryLayout<Float>.stride
            let wantTiles = Swift.max(minimumBlockTiles, blockBytes / perTile, (m * cg + weightsPerTile - 1) / weightsPerTile)
            return Swift.min(rows, Swift.max(1, (wantTiles + tx - 1) / tx))
        }

        /// Runs the convolution when `applies`; U comes from `weights` (transformed once per
        /// weight buffer). False when this path does not take the problem.
        static func forward<T: ConvScalar>(_ p: ConvEngine.Problem, x: UnsafePointer<T>, w: UnsafePointer<T>, bias: UnsafePointer<T>?,
                                           y: UnsafeMutablePointer<T>, weights: Request) throws(KernelError) -> Bool {
            guard T.self == Float.self, applies(p) else { return false }
            let cg = p.inChannels / p.group
            let fw = UnsafeRawPointer(w).assumingMemoryBound(to: Float.self)
            guard let u = weights.cache.transformed(key: weights.key, outChannels: p.outChannels, cg: cg, w: fw) else { return false }
            try run(p, x: UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), u: u.base.assumingMemoryBound(to: Float.self),
                    bias: bias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                    y: UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self))
            withExtendedLifetime(u) {}
            return true
        }

        /// A node's weight cache and the weight buffer of this call (before any float conversion).
        struct Request {
            let cache: WinogradWeights
            let key: TensorBuffer
        }

        /// Input transform, 16 GEMMs and output transform per block of whole tile rows (the tile
        /// rows of all images in a row, so small planes still fill a block).
        static func run(_ p: ConvEngine.Problem, x: UnsafePointer<Float>, u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                        y: UnsafeMutablePointer<Float>) throws(KernelError) {
            let geo = p.geo
            let ih = geo.inSize[0], iw = geo.inSize[1], oh = geo.outSize[0], ow = geo.outSize[1]
            let ph = geo.padBegin[0], pw = geo.padBegin[1]
            let c = p.inChannels, m = p.outChannels
            let cg = c / p.group, mg = m / p.group
            let ty = (oh + 1) / 2, tx = (ow + 1) / 2
            let rows = p.batch * ty
            let blockRows = blockRows(p)
            let maxTiles = blockRows * tx
            let shape = Shape(ih: ih, iw: iw, oh: oh, ow: ow, ph: ph, pw: pw, ty: ty, tx: tx, c: c, m: m)
            // With threads, whole blocks per thread; the blocks left over when they do not divide
            // evenly (one of three on two threads) run phase by phase below, both threads on each.
            let blocks = (rows + blockRows - 1) / blockRows
            var r0 = 0
            if p.threads > 1 && blocks >= p.threads {
                let whole = blocks - blocks % p.threads
                try runBlocksPerThread(p, shape, blockRows: blockRows, blocks: whole, x: x, u: u, bias: bias, y: y)
                r0 = whole * blockRows
                if r0 >= rows { return }
            }
            let v = Scratch<Float>(16 * c * maxTiles)
            let mx = Scratch<Float>(16 * m * maxTiles)
            let box = UnsafeSendableBox((x, y, bias, v.base, mx.base))
            while r0 < rows {
                let r1 = Swift.min(rows, r0 + blockRows)
                let nb = (r1 - r0) * tx
                NN.parallelFor(c, threads: p.threads, minimumPerThread: 4) { cs in
                    let (x, _, _, v, _) = box.value
                    inputTransform(x, shape, channels: cs, rows: r0..<r1, into: v, ldv: nb)
                }
                // 16 independent GEMMs per group: with threads, side by side (OpenBLAS on one thread each).
                let (vb, mb) = (v.base, mx.base)
                try NN.parallelGemms(p.group * 16, threads: p.threads) { (j: Int) throws(KernelError) in
                    let g = j / 16, xi = j % 16
                    try Float.nnGemm(transA: false, transB: false, m: mg, n: nb, k: cg, alpha: 1,
                                     a: u + xi * m * cg + g * mg * cg, lda: cg,
                                     b: vb + (xi * c + g * cg) * nb, ldb: nb, beta: 0,
                                     c: mb + (xi * m + g * mg) * nb, ldc: nb)
                }
                NN.parallelFor(m, threads: p.threads, minimumPerThread: 4) { ms in
                    let (_, y, bias, _, mx) = box.value
                    outputTransform(UnsafePointer(mx), ldm: nb, shape, channels: ms, rows: r0..<r1, bias: bias, into: y)
                }
                r0 = r1
            }
        }

        struct Shape {
            var ih, iw, oh, ow, ph, pw, ty, tx, c, m: Int
        }

        typealias V4 = SIMD4<Float>
        typealias V8 = SIMD8<Float>

        @inline(__always) static func load4(_ p: UnsafePointer<Float>) -> V4 { UnsafeRawPointer(p).loadUnaligned(as: V4.self) }
        @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> V8 { UnsafeRawPointer(p).loadUnaligned(as: V8.self) }
        @inline(__always) static func store(_ v: V4, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V4.self) }
        @inline(__always) static func store(_ v: V8, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self) }

        /// V[xi][ch][t] = (B^T d B)[xi] for the 4x4 input patch d of each tile t of global tile rows
        /// `rows` (tile row r is row r % ty of image r / ty); zero outside the image.
        /// Explicit SIMD: the loops touch 8 to 20 pointers, too many for the auto-vectorizer's
        /// aliasing checks.
        static func inputTransform(_ x: UnsafePointer<Float>, _ s: Shape, channels: Swift.Range<Int>, rows: Swift.Range<Int>,
                                   into v: UnsafeMutablePointer<Float>, ldv: Int) {
            let tx = s.tx, pwid = 2 * tx + 2
            // Horizontal transforms of 4 padded input rows (ring by row index & 3), 4 arrays each,
            // plus one zero-padded copy of the current input row.
            let scratch = Scratch<Float>(16 * tx + pwid)
            let ring = scratch.base, prow = scratch.base + 16 * tx
            // Columns of prow holding image pixels.
            let c0 = Swift.min(pwid, Swift.max(0, s.pw)), c1 = Swift.max(c0, Swift.min(pwid, s.pw + s.iw))
            let tx4 = tx & ~3
            for ch in channels {
                var lastImage = -1, lastRow = -1
                for r in rows {
                    let n = r / s.ty, i = r % s.ty
                    let plane = x + (n * s.c + ch) * s.ih * s.iw
                    // Padded rows 2i..2i+3; rows already in the ring from the previous tile row are kept.
                    let first = (n == lastImage && lastRow >= 2 * i) ? lastRow + 1 : 2 * i
                    for pr in first..<(2 * i + 4) {
                        let rt = ring + (pr & 3) * 4 * tx
                        let iy = pr - s.ph
                        if iy < 0 || iy >= s.ih || c1 <= c0 {
                            rt.update(repeating: 0, count: 4 * tx)
                            continue
                        }
                        if c0 > 0 { prow.update(repeating: 0, count: c0) }
                        (prow + c0).update(from: plane + iy * s.iw + (c0 - s.pw), count: c1 - c0)
                        if c1 < pwid { (prow + c1).update(repeating: 0, count: pwid - c1) }
                        let h0 = rt, h1 = rt + tx, h2 = rt + 2 * tx, h3 = rt + 3 * tx
                        var t = 0
                        while t < tx4 {
                            // Tiles t..t+3 start at columns 2t, 2t+2, ...: even/odd lanes of 8 columns.
                            let q = UnsafePointer(prow + 2 &* t)
                            let lo = load8(q), hi = load8(q + 2)
                            let a = lo.evenHalf, b = lo.oddHalf, c = hi.evenHalf, d = hi.oddHalf
                            store(a - c, h0 + t)
                            store(b + c, h1 + t)
                            store(c - b, h2 + t)
                            store(b - d, h3 + t)
                            t &+= 4
                        }
                        while t < tx {
                            let q = prow + 2 &* t
                            let a = q[0], b = q[1], c = q[2], d = q[3]
                            h0[t] = a - c
                            h1[t] = b + c
                            h2[t] = c - b
                            h3[t] = b - d
                            t &+= 1
                        }
                    }
                    lastImage = n
                    lastRow = 2 * i + 3
                    // Vertical transform of the four rows, per horizontal component j.
                    let off = (r - rows.lowerBound) * tx
                    let r0 = ring + ((2 * i) & 3) * 4 * tx, r1 = ring + ((2 * i + 1) & 3) * 4 * tx
                    let r2 = ring + ((2 * i + 2) & 3) * 4 * tx, r3 = ring + ((2 * i + 3) & 3) * 4 * tx
                    for j in 0..<4 {
                        let a = UnsafePointer(r0 + j * tx), b = UnsafePointer(r1 + j * tx)
                        let c = UnsafePointer(r2 + j * tx), d = UnsafePointer(r3 + j * tx)
                        let v0 = v + ((0 + j) * s.c + ch) * ldv + off
                        let v1 = v + ((4 + j) * s.c + ch) * ldv + off
                        let v2 = v + ((8 + j) * s.c + ch) * ldv + off
                        let v3 = v + ((12 + j) * s.c + ch) * ldv + off
                        var t = 0
                        while t < tx4 {
                            let av = load4(a + t), bv = load4(b + t), cv = load4(c + t), dv = load4(d + t)
                            store(av - cv, v0 + t)
                            store(bv + cv, v1 + t)
                            store(cv - bv, v2 + t)
                            store(bv - dv, v3 + t)
                            t &+= 4
                        }
                        while t < tx {
                            let av = a[t], bv = b[t], cv = c[t], dv = d[t]
                            v0[t] = av - cv
                            v1[t] = bv + cv
                            v2[t] = cv - bv
                            v3[t] = bv - dv
                            t &+= 1
                        }
                    }
                }
            }
        }

        /// y tile = A^T M A (+ bias) for output channels `channels` of global tile rows `rows`,
        /// M[xi][m][t] with leading dimension `ldm`; rows and columns past the output are dropped.
        static func outputTransform(_ mx: UnsafePointer<Float>, ldm: Int, _ s: Shape, channels: Swift.Range<Int>, rows: Swift.Range<Int>,
                                    bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
            let tx = s.tx, pairs = s.ow / 2, pairs4 = pairs & ~3
            let scratch = Scratch<Float>(2 * tx + 2)
            let spare = scratch.base
            let step = s.m * ldm
            for ch in channels {
                let b = bias?[ch] ?? 0
                let bv = V4(repeating: b)
                for r in rows {
                    let n = r / s.ty, i = r % s.ty
                    let out = y + (n * s.m + ch) * s.oh * s.ow
                    let y0 = out + 2 * i * s.ow
                    // An odd last output row goes to a spare row.
                    let y1 = 2 * i + 1 < s.oh ? y0 + s.ow : spare
                    let base = mx + ch * ldm + (r - rows.lowerBound) * tx
                    let m0 = base, m1 = base + 4 * step, m2 = base + 8 * step, m3 = base + 12 * step
                    var t = 0
                    while t < pairs4 {
                        // Vertical: rows 0+1+2 and 1-2-3 of each horizontal component j.
                        var sv = (V4.zero, V4.zero, V4.zero, V4.zero), uv = sv
                        @inline(__always) func col(_ j: Int) -> (V4, V4) {
                            let a = load4(m0 + j * step + t), c1 = load4(m1 + j * step + t)
                            let c2 = load4(m2 + j * step + t), c3 = load4(m3 + j * step + t)
                            return (a + c1 + c2, c1 - c2 - c3)
                        }
                        (sv.0, uv.0) = col(0)
                        (sv.1, uv.1) = col(1)
                        (sv.2, uv.2) = col(2)
                        (sv.3, uv.3) = col(3)
                        let e0 = bv + sv.0 + sv.1 + sv.2, o0 = bv + sv.1 - sv.2 - sv.3
                        let e1 = bv + uv.0 + uv.1 + uv.2, o1 = bv + uv.1 - uv.2 - uv.3
                        store(V8(e0[0], o0[0], e0[1], o0[1], e0[2], o0[2], e0[3], o0[3]), y0 + 2 &* t)
                        store(V8(e1[0], o1[0], e1[1], o1[1], e1[2], o1[2], e1[3], o1[3]), y1 + 2 &* t)
                        t &+= 4
                    }
                    while t < tx {
                        @inline(__always) func at(_ k: Int, _ j: Int) -> Float { base[(k * 4 + j) * step + t] }
                        var sv = (Float(0), Float(0), Float(0), Float(0)), uv = sv
                        sv.0 = at(0, 0) + at(1, 0) + at(2, 0); uv.0 = at(1, 0) - at(2, 0) - at(3, 0)
                        sv.1 = at(0, 1) + at(1, 1) + at(2, 1); uv.1 = at(1, 1) - at(2, 1) - at(3, 1)
                        sv.2 = at(0, 2) + at(1, 2) + at(2, 2); uv.2 = at(1, 2) - at(2, 2) - at(3, 2)
                        sv.3 = at(0, 3) + at(1, 3) + at(2, 3); uv.3 = at(1, 3) - at(2, 3) - at(3, 3)
                        y0[2 * t] = b + sv.0 + sv.1 + sv.2
                        y1[2 * t] = b + uv.0 + uv.1 + uv.2
                        // An odd output width drops the last tile's second column.
                        if 2 * t + 1 < s.ow {
                            y0[2 * t + 1] = b + sv.1 - sv.2 - sv.3
                            y1[2 * t + 1] = b + uv.1 - uv.2 - uv.3
                        }
                        t &+= 1
                    }
                }
            }
        }
    }

    /// The transformed weights of one Conv node, kept while the node sees the same weight buffer
    /// (initializers; buffers are immutable once filled, and holding the buffer keeps its address
    /// from being reused). A node whose weights arrive in a new buffer on a later call computes
    /// them at run time; it stops using Winograd, whose weight transform would then be repeated.
    final class WinogradWeights: Sendable {
        struct State {
            var key: TensorBuffer?
            var outChannels = 0, cg = 0
            var u: TensorBuffer?
            var dynamic = false
        }
        private let state = Mutex(State())

        init() {}

        /// U for the weights `w` arriving in buffer `key`; nil once the weights proved dynamic.
        func transformed(key: TensorBuffer, outChannels: Int, cg: Int, w: UnsafePointer<Float>) -> TensorBuffer? {
            state.withLock { s in
                if s.dynamic { return nil }
                if let k = s.key {
                    if k === key && s.outChannels == outChannels && s.cg == cg { return s.u }
                    s = State(dynamic: true)
                    return nil
                }
                s.key = key
                s.outChannels = outChannels
                s.cg = cg
                s.u = Winograd.transformWeights(w, outChannels: outChannels, cg: cg)
                return s.u
            }
        }
    }
}
