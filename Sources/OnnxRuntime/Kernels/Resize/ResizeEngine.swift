import OnnxModel

extension NN {
    /// Layer (a) of Resize/Upsample: interpolation is separable, so an N-D resize is one 1-D pass
    /// per resized axis (in axis order). Each pass maps output position o to n source taps
    /// (clamped indices with weights), computed once per axis.
    enum ResizeEngine {
        enum Mode: Sendable { case nearest, linear, cubic }

        enum Coordinate: String, Sendable {
            case halfPixel = "half_pixel", halfPixelSymmetric = "half_pixel_symmetric", pytorchHalfPixel = "pytorch_half_pixel"
            case alignCorners = "align_corners", asymmetric, tfCropAndResize = "tf_crop_and_resize"
        }

        enum Nearest: String, Sendable {
            case roundPreferFloor = "round_prefer_floor", roundPreferCeil = "round_prefer_ceil", floor, ceil
            /// Resize-10 and Upsample: truncate when upsampling, ceil when downsampling (onnxruntime).
            case legacy
        }

        struct Options: Sendable {
            var mode: Mode
            var coordinate: Coordinate
            var nearest: Nearest
            var cubicA: Double
            var excludeOutside: Bool
            var antialias: Bool
            var extrapolation: Double
        }

        /// Taps for one axis: `taps` per output position, `index`/`weight` of length out * taps,
        /// `extrapolate[o]` for tf_crop_and_resize positions outside the input.
        struct AxisPlan {
            var taps: Int
            var index: [Int]
            var weight: [Double]
            var extrapolate: [Bool]
        }

        /// Source coordinate of output position `y` (nil when `tf_crop_and_resize` falls outside).
        static func source(_ y: Double, _ o: Options, scale: Double, inW: Int, outW: Int, roi: (Double, Double)) -> Double? {
            let outWidth = scale * Double(inW)
            switch o.coordinate {
            case .alignCorners:
                return outWidth == 1 ? 0 : y * Double(inW - 1) / (outWidth - 1)
            case .asymmetric:
                return y / scale
            case .tfCropAndResize:
                var x = outWidth == 1 ? (roi.1 - roi.0) * Double(inW - 1) / 2 : y * (roi.1 - roi.0) * Double(inW - 1) / (outWidth - 1)
                x += roi.0 * Double(inW - 1)
                return x < 0 || x > Double(inW - 1) ? nil : x
            case .pytorchHalfPixel:
                return outWidth == 1 ? -0.5 : (y + 0.5) / scale - 0.5
            case .halfPixel:
                return (y + 0.5) / scale - 0.5
            case .halfPixelSymmetric:
                let adjustment = Double(outW) / outWidth
                let center = Double(inW) / 2
                return center * (1 - adjustment) + (y + 0.5) / scale - 0.5
            }
        }

        static func cubic(_ x0: Double, _ a: Double) -> Double {
            let x = abs(x0), x2 = x * x, x3 = x2 * x
            if x <= 1 { return (a + 2) * x3 - (a + 3) * x2 + 1 }
            if x < 2 { return a * x3 - 5 * a * x2 + 8 * a * x - 4 * a }
            return 0
        }

        static func plan(_ o: Options, inW: Int, outW: Int, scale: Double, roi: (Double, Double)) -> AxisPlan {
            // Tap count: 1 for nearest; 2 (linear) or 4 (cubic), widened by 1/scale when antialiasing a downscale.
            var taps: Int
            let s = min(scale, 1)
            switch o.mode {
            case .nearest: taps = 1
            case .linear: taps = o.antialias ? 2 - 2 * (Int((-1 / s).rounded(.down)) + 1) : 2
            case .cubic: taps = o.antialias ? 2 - 2 * (Int((-2 / s).rounded(.down)) + 1) : 4
            }
            taps = max(taps, 1)
            var p = AxisPlan(taps: taps, index: [Int](repeating: 0, count: outW * taps), weight: [Double](repeating: 0, count: outW * taps),
                             extrapolate: [Bool](repeating: false, count: outW))
            for y in 0..<outW {
                guard let x = source(Double(y), o, scale: scale, inW: inW, outW: outW, roi: roi) else {
                    p.extrapolate[y] = true
                    continue
                }
                let fl = (x).rounded(.down)
                let isInt = x == fl
                if o.mode == .nearest {
                    let r = x - fl
                    var i: Int
                    switch o.nearest {
                    case .roundPreferFloor: i = isInt ? Int(fl) : (r <= 0.5 ? Int(fl) : Int(fl) + 1)
                    case .roundPreferCeil: i = isInt ? Int(fl) : (r < 0.5 ? Int(fl) : Int(fl) + 1)
                    case .floor: i = Int(fl)
                    case .ceil: i = isInt ? Int(fl) : Int(fl) + 1
                    case .legacy: i = scale < 1 ? Int((x).rounded(.up)) : Int(x)
                    }
                    p.index[y] = min(max(i, 0), inW - 1)
                    p.weight[y] = 1
                    continue
                }
                // Integer positions use floor = x - 1 and ratio 1, like the reference.
                let f = isInt ? Int(fl) - 1 : Int(fl)
                let r = isInt ? 1.0 : x - fl
                let start = f - taps / 2 + 1
                var w = [Double](repeating: 0, count: taps)
                switch o.mode {
                case .linear:
                    if o.antialias {
                        let c0 = 1 - taps / 2
                        for j in 0..<taps { w[j] = max(0, min(1, 1 - abs((Double(c0 + j) - r) * s))) }
                    } else {
                        w[0] = 1 - r; w[1] = r
                    }
                case .cubic:
                    if o.antialias {
                        let c0 = 1 - taps / 2
                        for j in 0..<taps { w[j] = cubic(s * (Double(c0 + j) - r), o.cubicA) }
                    } else {
                        let a = o.cubicA
                        w[0] = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a
                        w[1] = ((a + 2) * r - (a + 3)) * r * r + 1
                        w[2] = ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1
                        w[3] = ((a * ((1 - r) + 1) - 5 * a) * ((1 - r) + 1) + 8 * a) * ((1 - r) + 1) - 4 * a
                    }
                case .nearest: break
                }
                if o.antialias {
                    let sum = w.reduce(0, +)
                    if sum != 0 { for j in 0..<taps { w[j] /= sum } }
                }
                if o.excludeOutside {
                    for j in 0..<taps where start + j < 0 || start + j >= inW { w[j] = 0 }
                    var sum = w.reduce(0, +)
                    if sum == 0 { sum = 1 }
                    for j in 0..<taps { w[j] /= sum }
                }
                for j in 0..<taps {
                    p.index[y * taps + j] = min(max(start + j, 0), inW - 1)
                    p.weight[y * taps + j] = w[j]
                }
            }
            return p
        }

        /// One pass: src [outer, inW, inner] -> dst [outer, outW, inner].
        static func pass<T: FloatElement>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, outer: Int, inW: Int, inner: Int,
                                          plan p: AxisPlan, nearest: Bool, extrapolation: T) {
            let outW = p.extrapolate.count, taps = p.taps
            let w = p.weight.map { T($0) }
            for q in 0..<outer {
                let s = src + q * inW * inner
                for y in 0..<outW {
                    let d = dst + (q * outW + y) * inner
                    if p.extrapolate[y] {
                        d.update(repeating: extrapolation, count: inner)
                    } else if nearest {
                        d.update(from: s + p.index[y] * inner, count: inner)
                    } else if inner == 1 {
                        var acc: T = 0
                        for j in 0..<taps { acc += w[y * taps + j] * s[p.index[y * taps + j]] }
                        d[0] = acc
                    } else {
                        let w0 = w[y * taps]
                        let s0 = s + p.index[y * taps] * inner
                        for i in 0..<inner { d[i] = w0 * s0[i] }
                        for j in 1..<max(taps, 1) {
                            let wj = w[y * taps + j]
                            let sj = s + p.index[y * taps + j] * inner
                            for i in 0..<inner { d[i] += wj * sj[i] }
                        }
                    }
                }
            }
        }

        /// Resizes x (compute type T) to `outShape`, axis by axis; `scales` and `rois` per dim.
        static func run<T: FloatElement>(_ x: Tensor, outShape: [Int], scales: [Double], rois: [(Double, Double)], options o: Options,
                                         _: T.Type) -> Tensor {
            var cur = x
            for d in 0..<x.rank {
                let inW = cur.shape[d], outW = outShape[d]
                let trivialRoi = o.coordinate != .tfCropAndResize || (rois[d].0 == 0 && rois[d].1 == 1)
                if inW == outW && abs(scales[d] - 1) < 1e-9 && trivialRoi { continue }
                var shape = cur.shape
                shape[d] = outW
                let outer = Tensor.elementCount(Array(cur.shape[..<d])), inner = Tensor.elementCount(Array(cur.shape[(d + 1)...]))
                if inW == 0 || outW == 0 || outer == 0 || inner == 0 {
                    cur = Tensor.zeros(x.dtype, shape)
                    continue
                }
                let plan = plan(o, inW: inW, outW: outW, scale: scales[d], roi: rois[d])
                let src = cur
                cur = src.withUnsafeBuffer(as: T.self) { s in
                    Tensor.make(x.dtype, shape, as: T.self) { dp in
                        pass(s.baseAddress!, dp.baseAddress!, outer: outer, inW: inW, inner: inner, plan: plan,
                             nearest: o.mode == .nearest, extrapolation: T(o.extrapolation))
                    }
                }
            }
            return cur
        }

        /// Runs in float32 (double for double inputs); integer outputs round half to even and saturate.
        static func resize(_ x: Tensor, outShape: [Int], scales: [Double], rois: [(Double, Double)], options o: Options) throws(KernelError) -> Tensor {
            let t = x.dtype
            if o.mode == .nearest && t != .double && t != .float {
                // Nearest only moves values: run on the storage bits of any type.
                guard let size = t.storageSize else { throw KernelError.unsupported("input type \(t.name) is not supported") }
                switch size {
                case 1: return try movePass(x, outShape, scales, rois, o, UInt8.self)
                case 2: return try movePass(x, outShape, scales, rois, o, UInt16.self)
                case 4: return try movePass(x, outShape, scales, rois, o, UInt32.self)
                case 8: return try movePass(x, outShape, scales, rois, o, UInt64.self)
                default: throw KernelError.unsupported("input type \(t.name) is not supported")
                }
            }
            if t == .double { return run(x, outShape: outShape, scales: scales, rois: rois, options: o, Double.self) }
            if t == .float { return run(x, outShape: outShape, scales: scales, rois: rois, options: o, Float.self) }
            guard t.isNativeNumeric || t.isReducedFloat else { throw KernelError.unsupported("input type \(t.name) is not supported") }
            if t.isReducedFloat {
                return try Cast.convert(run(try Cast.convert(x, to: .float), outShape: outShape, scales: scales, rois: rois, options: o, Float.self), to: t)
            }
            // Integers: compute in double, round half to even, saturate.
            let y = run(try Cast.convert(x, to: .double), outShape: outShape, scales: scales, rois: rois, options: o, Double.self)
            let (lo, hi) = Reduction.intRange(t)
            let r = Elementwise.map(y, to: .double, Double.self, Double.self) { v in min(max(v.rounded(.toNearestOrEven), Double(lo)), Double(hi)) }
            return try Cast.convert(r, to: t)
        }

        /// Nearest resize of any fixed-width type (extrapolation values converted to the type).
        static func movePass<S>(_ x: Tensor, _ outShape: [Int], _ scales: [Double], _ rois: [(Double, Double)], _ o: Options,
                                _: S.Type) throws(KernelError) -> Tensor {
            let ext = try Cast.convert(Tensor(shape: [1], [o.extrapolation]), to: x.dtype).elements(as: S.self)[0]
            var cur = x
            for d in 0..<x.rank {
                let inW = cur.shape[d], outW = outShape[d]
                let trivialRoi = o.coordinate != .tfCropAndResize || (rois[d].0 == 0 && rois[d].1 == 1)
                if inW == outW && abs(scales[d] - 1) < 1e-9 && trivialRoi { continue }
                var shape = cur.shape
                shape[d] = outW
                let outer = Tensor.elementCount(Array(cur.shape[..<d])), inner = Tensor.elementCount(Array(cur.shape[(d + 1)...]))
                if inW == 0 || outW == 0 || outer == 0 || inner == 0 {
                    cur = Tensor.zeros(x.dtype, shape)
                    continue
                }
                let p = plan(o, inW: inW, outW: outW, scale: scales[d], roi: rois[d])
                let src = cur
                cur = src.withUnsafeBuffer(as: S.self) { s in
                    Tensor.make(x.dtype, shape, as: S.self) { dp in
                        for q in 0..<outer {
                            for y in 0..<outW {
                                let dst = dp.baseAddress! + (q * outW + y) * inner
                                if p.extrapolate[y] { dst.update(repeating: ext, count: inner) } else {
                                    dst.update(from: s.baseAddress! + (q * inW + p.index[y]) * inner, count: inner)
                                }
                            }
                        }
                    }
                }
            }
            return cur
        }
    }
}
