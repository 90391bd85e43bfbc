import OnnxModel

extension NN {
    /// GridSample: samples X [N, C, D1..Dr] at the normalised coordinates of grid
    /// [N, O1..Or, r] (last entry = x, the innermost dim) with nearest, (bi/tri)linear or cubic
    /// interpolation and zeros / border / reflection padding. Opset 16 names the modes
    /// bilinear/bicubic; opset 20 adds N-D.
    public struct GridSample: OpKernel {
        public static let sinceVersions = [16, 20, 22]
        enum Mode { case nearest, linear, cubic }
        enum Padding: String { case zeros, border, reflection }
        let mode: Mode
        let padding: Padding
        let alignCorners: Bool

        public init(_ node: NodeContext) throws {
            let m = try node.string("mode", default: node.sinceVersion < 20 ? "bilinear" : "linear")
            switch m {
            case "nearest": mode = .nearest
            case "linear", "bilinear": mode = .linear
            case "cubic", "bicubic": mode = .cubic
            default: throw KernelError("mode must be nearest, linear or cubic, got '\(m)'")
            }
            let p = try node.string("padding_mode", default: "zeros")
            guard let pm = Padding(rawValue: p) else { throw KernelError("padding_mode must be zeros, border or reflection, got '\(p)'") }
            padding = pm
            alignCorners = try node.int("align_corners", default: 0) != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), grid = try inputs.tensor(1)
            try ConvTypes.check(x, "X")
            try ConvTypes.check(grid, "grid")
            guard x.rank >= 3 else { throw KernelError("X must be [N, C, spatial...], got \(shapeText(x.shape))") }
            let r = x.rank - 2
            guard grid.rank == r + 2, grid.shape[0] == x.shape[0], grid.shape[r + 1] == r else {
                throw KernelError("grid \(shapeText(grid.shape)) must be [\(x.shape[0]), out..., \(r)] for X \(shapeText(x.shape))")
            }
            if mode == .cubic && r != 2 { throw KernelError.unsupported("cubic mode supports 2-D inputs only") }
            let n = x.shape[0], c = x.shape[1], dims = Array(x.shape[2...])
            let outSpatial = Array(grid.shape[1...r])
            let outCount = Tensor.elementCount(outSpatial), inCount = Tensor.elementCount(dims)
            let xv = try Cast.convert(x, to: .float).elements(as: Float.self)
            let gv = try Cast.convert(grid, to: .float).elements(as: Float.self)
            let strides = Shapes.strides(dims)
            let lo = dims.map { _ in alignCorners ? Float(0) : -0.5 }, hi = dims.map { alignCorners ? Float($0 - 1) : Float($0) - 0.5 }
            let taps = mode == .nearest ? 1 : (mode == .linear ? 2 : 4)
            var y = [Float](repeating: 0, count: n * c * outCount)
            // Per output point: per dim `taps` (index or -1 for zero padding, weight).
            var idx = [Int](repeating: 0, count: r * taps), wt = [Float](repeating: 0, count: r * taps)
            var combo = [Int](repeating: 0, count: r)
            var combos = 1
            for _ in 0..<r { combos *= taps }
            for b in 0..<n {
                for o in 0..<outCount {
                    let gp = (b * outCount + o) * r
                    for d in 0..<r {
                        let g = gv[gp + (r - 1 - d)]
                        let len = Float(dims[d])
                        var v = alignCorners ? (g + 1) / 2 * (len - 1) : ((g + 1) * len - 1) / 2
                        if mode == .nearest { v = v.rounded(.toNearestOrEven) }
                        if v < lo[d] || v > hi[d] {
                            if padding == .border { v = Swift.min(Swift.max(v, 0), len - 1) }
                            else if padding == .reflection { v = GridSample.reflect(v, lo[d], hi[d]) }
                        }
                        switch mode {
                        case .nearest:
                            idx[d] = pixel(GridSample.int(v), d, dims, lo, hi); wt[d] = 1
                        case .linear:
                            let f = v.rounded(.down), t = v - f
                            idx[d * 2] = pixel(GridSample.int(f), d, dims, lo, hi); wt[d * 2] = 1 - t
                            idx[d * 2 + 1] = pixel(GridSample.int(f) + 1, d, dims, lo, hi); wt[d * 2 + 1] = t
                        case .cubic:
                            let f = v.rounded(.down), t = v - f
                            let cw = GridSample.cubic(t)
                            for k in 0..<4 { idx[d * 4 + k] = pixel(GridSample.int(f) - 1 + k, d, dims, lo, hi); wt[d * 4 + k] = cw[k] }
                        }
                    }
                    for ch in 0..<c {
                        let base = (b * c + ch) * inCount
                        var acc: Float = 0
                        for k in 0..<combos {
                            var rem = k, off = 0, w: Float = 1, zero = false
                            for d in stride(from: r - 1, through: 0, by: -1) { combo[d] = rem % taps; rem /= taps }
                            for d in 0..<r {
                                let i = idx[d * taps + combo[d]]
                                if i < 0 { zero = true; break }
                                off += i * strides[d]
                                w *= wt[d * taps + combo[d]]
                            }
                            if !zero { acc += w * xv[base + off] }
                        }
                        y[(b * c + ch) * outCount + o] = acc
                    }
                }
            }
            return [.tensor(try Cast.convert(Tensor(shape: [n, c] + outSpatial, y), to: x.dtype))]
        }

        /// Index of pixel i along dim d after padding (-1: a zero).
        @inline(__always)
        func pixel(_ i: Int, _ d: Int, _ dims: [Int], _ lo: [Float], _ hi: [Float]) -> Int {
            let n = dims[d]
            switch padding {
            case .zeros: return i >= 0 && i < n ? i : -1
            case .border: return Swift.min(Swift.max(i, 0), n - 1)
            case .reflection: return Swift.min(Swift.max(GridSample.int(GridSample.reflect(Float(i), lo[d], hi[d])), 0), n - 1)
            }
        }

        /// Truncation that never traps (NaN and huge values land far outside any image).
        @inline(__always)
        static func int(_ v: Float) -> Int {
            if v.isNaN { return Int.min / 2 }
            return Int(Swift.max(Swift.min(v, 1e9), -1e9))
        }

        static func reflect(_ x: Float, _ lo: Float, _ hi: Float) -> Float {
            let rng = hi - lo
            if rng <= 0 || !x.isFinite { return x.isNaN ? x : lo }
            if x < lo {
                let dx = lo - x, k = GridSample.int(dx / rng), r = dx - Float(k) * rng
                return k % 2 == 0 ? lo + r : hi - r
            }
            if x > hi {
                let dx = x - hi, k = GridSample.int(dx / rng), r = dx - Float(k) * rng
                return k % 2 == 0 ? hi - r : lo + r
            }
            return x
        }

        static func cubic(_ t: Float) -> [Float] {
            let a: Float = -0.75, x = Swift.abs(t)
            return [((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a,
                    ((a + 2) * x - (a + 3)) * x * x + 1,
                    ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1,
                    ((a * (2 - x) - 5 * a) * (2 - x) + 8 * a) * (2 - x) - 4 * a]
        }
    }
}
