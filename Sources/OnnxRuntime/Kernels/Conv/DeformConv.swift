import OnnxModel

extension NN {
    /// DeformConv (2-D): a convolution whose kernel taps are displaced by learned offsets
    /// [N, offset_group*kH*kW*2, oH, oW] (dy, dx per tap) and optionally scaled by a mask
    /// [N, offset_group*kH*kW, oH, oW]; displaced taps are sampled bilinearly (zero outside).
    /// The sampled im2col matrix then goes through OpenBLAS GEMM per group.
    public struct DeformConv: OpKernel {
        public static let sinceVersions = [19, 22]
        let window: WindowAttributes
        let group: Int
        let offsetGroup: Int

        public init(_ node: NodeContext) throws {
            window = try WindowAttributes(node)
            group = try node.int("group", default: 1)
            offsetGroup = try node.int("offset_group", default: 1)
            guard group >= 1, offsetGroup >= 1 else { throw KernelError("group and offset_group must be positive") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1), offset = try inputs.tensor(2)
            let b = try inputs.optionalTensor(3), mask = try inputs.optionalTensor(4)
            try ConvTypes.check(x, "X")
            guard x.rank == 4 else { throw KernelError.unsupported("only 2-D DeformConv is supported, X is \(shapeText(x.shape))") }
            let p = try Conv.problem(x: x, w: w, b: b, group: group, window: window)
            let (n, c, ih, iw) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let (oh, ow) = (p.geo.outSize[0], p.geo.outSize[1])
            let (kh, kw) = (p.geo.kernel[0], p.geo.kernel[1])
            let kk = kh * kw
            guard c % offsetGroup == 0 else { throw KernelError("\(c) channels are not divisible by offset_group \(offsetGroup)") }
            guard offset.shape == [n, offsetGroup * kk * 2, oh, ow] else {
                throw KernelError("offset \(shapeText(offset.shape)) must be [\(n), \(offsetGroup * kk * 2), \(oh), \(ow)]")
            }
            if let mask, mask.shape != [n, offsetGroup * kk, oh, ow] {
                throw KernelError("mask \(shapeText(mask.shape)) must be [\(n), \(offsetGroup * kk), \(oh), \(ow)]")
            }
            let xv = try Cast.convert(x, to: .float).elements(as: Float.self)
            let ov = try Cast.convert(offset, to: .float).elements(as: Float.self)
            let mv = try mask.map { t throws(KernelError) in try Cast.convert(t, to: .float).elements(as: Float.self) }
            let wf = try Cast.convert(w, to: .float), bf = try b.map { t throws(KernelError) in try Cast.convert(t, to: .float) }
            let plane = oh * ow, cpo = c / offsetGroup
            let m = p.outChannels, cg = c / group, mg = m / group
            let out = TensorBuffer(byteCount: n * m * plane * 4)
            let y = out.base.assumingMemoryBound(to: Float.self)
            let col = Scratch<Float>(c * kk * plane)
            let (sh, sw) = (p.geo.strides[0], p.geo.strides[1]), (dh, dw) = (p.geo.dilations[0], p.geo.dilations[1])
            let (ph, pw) = (p.geo.padBegin[0], p.geo.padBegin[1])
            for bi in 0..<n {
                for ch in 0..<c {
                    let og = ch / cpo
                    let img = (bi * c + ch) * ih * iw
                    for ki in 0..<kh {
                        for kj in 0..<kw {
                            let k = ki * kw + kj
                            let row = col.base + (ch * kk + k) * plane
                            let oBase = ((bi * offsetGroup + og) * kk + k) * 2
                            for i in 0..<oh {
                                for j in 0..<ow {
                                    let q = i * ow + j
                                    let hy = Float(i * sh - ph + ki * dh) + ov[oBase * plane + q]
                                    let wx = Float(j * sw - pw + kj * dw) + ov[(oBase + 1) * plane + q]
                                    var v = DeformConv.bilinear(xv, img, ih, iw, hy, wx)
                                    if let mv { v *= mv[((bi * offsetGroup + og) * kk + k) * plane + q] }
                                    row[q] = v
                                }
                            }
                        }
                    }
                }
                let yn = y + bi * m * plane
                if let bf {
                    bf.withUnsafeBuffer(as: Float.self) { bp in for o in 0..<m { (yn + o * plane).update(repeating: bp[o], count: plane) } }
                }
                let wp = UnsafePointer(wf.buffer.base.assumingMemoryBound(to: Float.self))
                for g in 0..<group where mg > 0 && plane > 0 && cg * kk > 0 {
                    try Float.nnGemm(transA: false, transB: false, m: mg, n: plane, k: cg * kk, alpha: 1,
                                     a: wp + g * mg * cg * kk, lda: cg * kk, b: col.base + g * cg * kk * plane, ldb: plane,
                                     beta: bf == nil ? 0 : 1, c: yn + g * mg * plane, ldc: plane)
                }
                if cg * kk == 0 && bf == nil { yn.update(repeating: 0, count: m * plane) }
            }
            let yt = Tensor(dtype: .float, shape: [n, m, oh, ow], buffer: out)
            return [.tensor(try Cast.convert(yt, to: x.dtype))]
        }

        /// Bilinear sample of image `base` at (y, x), zero outside.
        @inline(__always)
        static func bilinear(_ v: [Float], _ base: Int, _ h: Int, _ w: Int, _ y: Float, _ x: Float) -> Float {
            guard y.isFinite, x.isFinite, y > -1, x > -1, y < Float(h), x < Float(w) else { return 0 }
            let y0f = y.rounded(.down), x0f = x.rounded(.down)
            let y0 = Int(y0f), x0 = Int(x0f)
            let ly = y - y0f, lx = x - x0f
            let p00 = pixel(v, base, h, w, y0, x0), p01 = pixel(v, base, h, w, y0, x0 + 1)
            let p10 = pixel(v, base, h, w, y0 + 1, x0), p11 = pixel(v, base, h, w, y0 + 1, x0 + 1)
            return (1 - ly) * (1 - lx) * p00 + (1 - ly) * lx * p01 + ly * (1 - lx) * p10 + ly * lx * p11
        }

        @inline(__always)
        static func pixel(_ v: [Float], _ base: Int, _ h: Int, _ w: Int, _ r: Int, _ c: Int) -> Float {
            r >= 0 && r < h && c >= 0 && c < w ? v[base + r * w + c] : 0
        }
    }
}
