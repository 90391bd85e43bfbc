import OnnxModel

extension NN {
    /// RoiAlign: for each roi [x1, y1, x2, y2] (scaled by spatial_scale) of image batch_indices[i],
    /// an output_height x output_width grid of bins, each the average (or max) of
    /// sampling_ratio^2 bilinear samples (adaptive ceil(bin size) when 0). Coordinates use the
    /// half_pixel shift from opset 16 (output_half_pixel, no shift, before).
    public struct RoiAlign: OpKernel {
        public static let sinceVersions = [10, 16, 22]
        let halfPixel: Bool
        let maxMode: Bool
        let outH: Int, outW: Int
        let samplingRatio: Int
        let spatialScale: Double

        public init(_ node: NodeContext) throws {
            let ct = try node.string("coordinate_transformation_mode", default: node.sinceVersion >= 16 ? "half_pixel" : "output_half_pixel")
            guard ct == "half_pixel" || ct == "output_half_pixel" else { throw KernelError("coordinate_transformation_mode must be half_pixel or output_half_pixel, got '\(ct)'") }
            halfPixel = ct == "half_pixel"
            let m = try node.string("mode", default: "avg")
            guard m == "avg" || m == "max" else { throw KernelError("mode must be avg or max, got '\(m)'") }
            maxMode = m == "max"
            outH = try node.int("output_height", default: 1)
            outW = try node.int("output_width", default: 1)
            samplingRatio = try node.int("sampling_ratio", default: 0)
            spatialScale = Double(try node.float("spatial_scale", default: 1))
            guard outH > 0, outW > 0, samplingRatio >= 0 else { throw KernelError("output sizes must be positive and sampling_ratio non-negative") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), rois = try inputs.tensor(1)
            let batchIdx = try inputs.tensor(2).intValues()
            try ConvTypes.check(x, "X")
            guard x.rank == 4 else { throw KernelError("X must be [N, C, H, W], got \(shapeText(x.shape))") }
            guard rois.rank == 2, rois.shape[1] == 4, batchIdx.count == rois.shape[0] else {
                throw KernelError("rois must be [num_rois, 4] with one batch index each, got \(shapeText(rois.shape)) and \(batchIdx.count)")
            }
            let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let xv = try Cast.convert(x, to: .double).elements(as: Double.self)
            let rv = try Cast.convert(rois, to: .double).elements(as: Double.self)
            let nr = rois.shape[0]
            var y = [Double](repeating: 0, count: nr * c * outH * outW)
            for r in 0..<nr {
                let bi = batchIdx[r]
                guard bi >= 0 && bi < n else { throw KernelError("batch index \(bi) is out of range for \(n) images") }
                let off = halfPixel ? 0.5 : 0
                let sw = rv[r * 4] * spatialScale - off, sh = rv[r * 4 + 1] * spatialScale - off
                let ew = rv[r * 4 + 2] * spatialScale - off, eh = rv[r * 4 + 3] * spatialScale - off
                var rw = ew - sw, rh = eh - sh
                if !halfPixel { rw = Swift.max(rw, 1); rh = Swift.max(rh, 1) }
                let bh = rh / Double(outH), bw = rw / Double(outW)
                let gh = samplingRatio > 0 ? samplingRatio : Int(fromDouble: (rh / Double(outH)).rounded(.up))
                let gw = samplingRatio > 0 ? samplingRatio : Int(fromDouble: (rw / Double(outW)).rounded(.up))
                guard gh >= 0, gw >= 0, gh * gw <= 1 << 24 else { throw KernelError("roi \(r) needs too many samples") }
                let count = Double(Swift.max(gh * gw, 1))
                // Bilinear taps per sample: 4 positions and weights.
                var taps: [(Int, Int, Int, Int, Double, Double, Double, Double)] = []
                taps.reserveCapacity(outH * outW * gh * gw)
                for ph in 0..<outH {
                    for pw in 0..<outW {
                        for iy in 0..<gh {
                            let yy = sh + Double(ph) * bh + (Double(iy) + 0.5) * bh / Double(gh)
                            for ix in 0..<gw {
                                let xx = sw + Double(pw) * bw + (Double(ix) + 0.5) * bw / Double(gw)
                                if yy < -1 || yy > Double(h) || xx < -1 || xx > Double(w) { taps.append((0, 0, 0, 0, 0, 0, 0, 0)); continue }
                                var yv = Swift.max(yy, 0), xv2 = Swift.max(xx, 0)
                                var yl = Int(yv), xl = Int(xv2), yh2: Int, xh: Int
                                if yl >= h - 1 { yl = h - 1; yh2 = h - 1; yv = Double(yl) } else { yh2 = yl + 1 }
                                if xl >= w - 1 { xl = w - 1; xh = w - 1; xv2 = Double(xl) } else { xh = xl + 1 }
                                let ly = yv - Double(yl), lx = xv2 - Double(xl), hy = 1 - ly, hx = 1 - lx
                                taps.append((yl * w + xl, yl * w + xh, yh2 * w + xl, yh2 * w + xh, hy * hx, hy * lx, ly * hx, ly * lx))
                            }
                        }
                    }
                }
                for ch in 0..<c {
                    let base = (bi * c + ch) * h * w
                    var t = 0
                    for ph in 0..<outH {
                        for pw in 0..<outW {
                            var acc = 0.0, first = true
                            for _ in 0..<(gh * gw) {
                                let p = taps[t]; t += 1
                                if maxMode {
                                    let v = Swift.max(p.4 * xv[base + p.0], p.5 * xv[base + p.1], p.6 * xv[base + p.2], p.7 * xv[base + p.3])
                                    acc = first ? v : Swift.max(acc, v)
                                    first = false
                                } else {
                                    acc += p.4 * xv[base + p.0] + p.5 * xv[base + p.1] + p.6 * xv[base + p.2] + p.7 * xv[base + p.3]
                                }
                            }
                            y[((r * c + ch) * outH + ph) * outW + pw] = maxMode ? acc : acc / count
                        }
                    }
                }
            }
            return [.tensor(try Cast.convert(Tensor(shape: [nr, c, outH, outW], y), to: x.dtype))]
        }
    }
}
