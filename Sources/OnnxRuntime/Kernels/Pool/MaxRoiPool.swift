import OnnxModel

extension NN {
    /// MaxRoiPool: for each roi [batch, x1, y1, x2, y2] (scaled by spatial_scale and rounded), the
    /// maximum over each cell of a pooled_shape grid (empty cells give 0).
    public struct MaxRoiPool: OpKernel {
        public static let sinceVersions = [1, 22]
        let pooled: [Int]
        let spatialScale: Double

        public init(_ node: NodeContext) throws {
            pooled = try node.required("pooled_shape") { (n: String) throws(KernelError) in try node.ints(n) }
            guard pooled.count == 2, pooled.allSatisfy({ $0 > 0 }) else { throw KernelError("pooled_shape must be two positive ints") }
            spatialScale = Double(try node.float("spatial_scale", default: 1))
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), rois = try inputs.tensor(1)
            try ConvTypes.check(x, "X")
            guard x.rank == 4 else { throw KernelError("X must be [N, C, H, W], got \(shapeText(x.shape))") }
            guard rois.rank == 2, rois.shape[1] == 5 else { throw KernelError("rois must be [num_rois, 5], got \(shapeText(rois.shape))") }
            let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let (ph, pw) = (pooled[0], pooled[1])
            let xv = try Cast.convert(x, to: .double).elements(as: Double.self)
            let rv = try Cast.convert(rois, to: .double).elements(as: Double.self)
            let nr = rois.shape[0]
            var y = [Double](repeating: 0, count: nr * c * ph * pw)
            func round(_ v: Double) -> Int { Int(fromDouble: (v * spatialScale).rounded(.toNearestOrAwayFromZero)) }
            for r in 0..<nr {
                let b = Int(fromDouble: rv[r * 5])
                guard b >= 0 && b < n else { throw KernelError("roi \(r) has batch index \(b) outside [0, \(n))") }
                let x1 = round(rv[r * 5 + 1]), y1 = round(rv[r * 5 + 2]), x2 = round(rv[r * 5 + 3]), y2 = round(rv[r * 5 + 4])
                let rh = Double(Swift.max(y2 - y1 + 1, 1)), rw = Double(Swift.max(x2 - x1 + 1, 1))
                let bh = rh / Double(ph), bw = rw / Double(pw)
                for ch in 0..<c {
                    let base = (b * c + ch) * h * w
                    for i in 0..<ph {
                        let hs = Swift.min(Swift.max(Int(fromDouble: (Double(i) * bh).rounded(.down)) + y1, 0), h)
                        let he = Swift.min(Swift.max(Int(fromDouble: (Double(i + 1) * bh).rounded(.up)) + y1, 0), h)
                        for j in 0..<pw {
                            let ws = Swift.min(Swift.max(Int(fromDouble: (Double(j) * bw).rounded(.down)) + x1, 0), w)
                            let we = Swift.min(Swift.max(Int(fromDouble: (Double(j + 1) * bw).rounded(.up)) + x1, 0), w)
                            var m = -Double.infinity
                            if he > hs && we > ws {
                                for yy in hs..<he { for xx in ws..<we { m = Swift.max(m, xv[base + yy * w + xx]) } }
                            } else {
                                m = 0
                            }
                            y[((r * c + ch) * ph + i) * pw + j] = m
                        }
                    }
                }
            }
            return [.tensor(try Cast.convert(Tensor(shape: [nr, c, ph, pw], y), to: x.dtype))]
        }
    }
}
