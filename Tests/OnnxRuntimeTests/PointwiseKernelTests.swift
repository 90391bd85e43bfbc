import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// The register-tiled pointwise (1x1) convolution kernel (CFastMath cfm_pointwise) against sums in
/// double, at every instruction-set level: row counts around the tile heights (3, 6, 12), column
/// counts around the tile widths (16, 32) and the zero-padded tail, sub-ranges as threads split
/// them, and every fused activation giving the same bits as the activation run on its own.
@Suite struct PointwiseKernelTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let m, k, n: Int
        var testDescription: String { "M\(m) K\(k) N\(n)" }
    }

    static let shapes: [Shape] = [
        Shape(m: 1, k: 1, n: 1), Shape(m: 5, k: 3, n: 15), Shape(m: 12, k: 16, n: 16), Shape(m: 13, k: 7, n: 17),
        Shape(m: 25, k: 24, n: 33), Shape(m: 7, k: 2, n: 49), Shape(m: 36, k: 40, n: 196), Shape(m: 96, k: 16, n: 300), Shape(m: 20, k: 9, n: 112),
    ]

    static func data(_ count: Int, _ seed: Int) -> [Float] {
        (0..<count).map { Float((($0 &+ seed) &* 7919) % 2003) / 1001 - 1 }
    }

    static func reference(_ s: Shape, _ w: [Float], _ x: [Float], _ b: [Float]?) -> [Double] {
        var y = [Double](repeating: 0, count: s.m * s.n)
        for i in 0..<s.m {
            for j in 0..<s.n {
                var a = Double(b?[i] ?? 0)
                for c in 0..<s.k { a += Double(w[i * s.k + c]) * Double(x[c * s.n + j]) }
                y[i * s.n + j] = a
            }
        }
        return y
    }

    /// Runs the kernel over `rows` x `cols` pieces (as threads would) into y, pre and mid (64-byte
    /// aligned, as tensor buffers are, so that streamed copies take the streaming stores).
    static func run(_ s: Shape, _ w: [Float], _ x: [Float], _ b: [Float]?, kind: FastMath.EpilogueKind?, keep: Bool,
                    stream: FastMath.StreamedCopies = [.pre, .mid], rowSplit: Int, colSplit: Int) -> (y: [Float], pre: [Float], mid: [Float]) {
        let count = s.m * s.n
        func aligned() -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
            p.initialize(repeating: .nan, count: count)
            return p
        }
        let y = aligned(), pre = aligned(), mid = aligned()
        defer { for p in [y, pre, mid] { p.deallocate() } }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: FastMath.pointwiseScratch(k: s.k))
        defer { scratch.deallocate() }
        let bias: UnsafeMutablePointer<Float>? = b.map { vs in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: vs.count)
            p.initialize(from: vs, count: vs.count)
            return p
        }
        defer { bias?.deallocate() }
        let tile = FastMath.pointwiseTileColumns
        let tiles = (s.n + tile - 1) / tile
        w.withUnsafeBufferPointer { wp in
            x.withUnsafeBufferPointer { xp in
                for r in 0..<rowSplit {
                    let rows = (s.m * r / rowSplit)..<(s.m * (r + 1) / rowSplit)
                    for c in 0..<colSplit {
                        let cols = Swift.min(s.n, tiles * c / colSplit * tile)..<Swift.min(s.n, tiles * (c + 1) / colSplit * tile)
                        if rows.isEmpty || cols.isEmpty { continue }
                        FastMath.pointwise(m: s.m, k: s.k, n: s.n, w: wp.baseAddress!, x: xp.baseAddress!, bias: bias.map { UnsafePointer($0) },
                                           y: y, epilogue: kind, pre: keep ? pre : nil, mid: keep && kind == .silu ? mid : nil,
                                           stream: stream, rows: rows, cols: cols, scratch: scratch)
                    }
                }
            }
        }
        func array(_ p: UnsafeMutablePointer<Float>) -> [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
        return (array(y), array(pre), array(mid))
    }

    static func same(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && a.indices.allSatisfy { a[$0].bitPattern == b[$0].bitPattern || (a[$0].isNaN && b[$0].isNaN) }
    }

    @Test(arguments: shapes)
    func productsMatchDoubleSums(_ s: Shape) {
        let w = Self.data(s.m * s.k, 1), x = Self.data(s.k * s.n, 2), b = Self.data(s.m, 3)
        for level in 0...2 {
            withInstructionSetLevel(level) {
                for bias in [true, false] {
                    let want = Self.reference(s, w, x, bias ? b : nil)
                    for (rs, cs) in [(1, 1), (2, 1), (1, 3), (3, 2)] {
                        let got = Self.run(s, w, x, bias ? b : nil, kind: nil, keep: false, rowSplit: rs, colSplit: cs).y
                        let close = want.indices.allSatisfy { abs(Double(got[$0]) - want[$0]) <= 1e-5 * (1 + abs(want[$0])) }
                        #expect(close, "\(s.testDescription) bias \(bias) split \(rs)x\(cs) at level \(level)")
                    }
                }
            }
        }
    }

    @Test(arguments: shapes)
    func fusedActivationsGiveTheUnfusedBits(_ s: Shape) {
        let w = Self.data(s.m * s.k, 4), b = Self.data(s.m, 6)
        var x = Self.data(s.k * s.n, 5)
        // A NaN and huge values in the input: whole output columns become NaN or +-inf.
        x[x.count / 2] = .nan
        if x.count > 3 { x[1] = 1e38; x[2] = -1e38 }
        let kinds: [FastMath.EpilogueKind] = [.clip(lo: 0, hi: 6), .clip(lo: 0, hi: .infinity), .clip(lo: -0.5, hi: 0.25), .hardSwish, .silu]
        for level in 0...2 {
            withInstructionSetLevel(level) {
                let plain = Self.run(s, w, x, b, kind: nil, keep: false, rowSplit: 1, colSplit: 1).y
                for kind in kinds {
                    var want = plain, mid = plain
                    want.withUnsafeMutableBufferPointer { wp in
                        mid.withUnsafeMutableBufferPointer { mp in
                            FastMath.epilogue(kind, wp.baseAddress!, pre: nil, mid: kind == .silu ? mp.baseAddress : nil, count: wp.count)
                        }
                    }
                    // Kept copies held to the end of a run (streamed) or dropped after their last use.
                    for (keep, stream) in [(false, FastMath.StreamedCopies()), (true, [.pre, .mid]), (true, []), (true, [.mid])] {
                        let got = Self.run(s, w, x, b, kind: kind, keep: keep, stream: stream, rowSplit: 2, colSplit: 2)
                        let what = "\(s.testDescription) \(kind) keep \(keep) stream \(stream.rawValue) level \(level)"
                        #expect(Self.same(got.y, want), "\(what)")
                        if keep {
                            #expect(Self.same(got.pre, plain), "\(what): pre")
                            if kind == .silu { #expect(Self.same(got.mid, mid), "\(what): mid") }
                        }
                    }
                }
            }
        }
    }

    /// The engine's choice: planes under one vector and weight rows a multiple of 4 KiB apart
    /// (1024, 2048 input channels) stay with OpenBLAS.
    @Test func engineTakesItWhereItWins() {
        #expect(NN.ConvEngine.pointwiseFits(n: 196, k: 960))
        #expect(NN.ConvEngine.pointwiseFits(n: 16, k: 27))
        #expect(!NN.ConvEngine.pointwiseFits(n: 15, k: 64))
        #expect(!NN.ConvEngine.pointwiseFits(n: 196, k: 1024))
        #expect(!NN.ConvEngine.pointwiseFits(n: 49, k: 2048))
    }

    /// Through the convolution engine: batches, both threads' splits (columns for wide planes,
    /// output channels for narrow ones) against the GEMM path's results.
    @Test func convolutionEngineUsesItWithThreads() throws {
        for (m, k, hw) in [(40, 24, (20, 20)), (70, 33, (7, 7)), (8, 5, (4, 4))] {
            let geo = NN.WindowGeometry(inSize: [hw.0, hw.1], kernel: [1, 1], strides: [1, 1], dilations: [1, 1],
                                        padBegin: [0, 0], padEnd: [0, 0], outSize: [hw.0, hw.1])
            let n = hw.0 * hw.1, batch = 2
            #expect(geo.isPointwise)
            let w = Self.data(m * k, 7), x = Self.data(batch * k * n, 8), b = Self.data(m, 9)
            var want = [Double]()
            for i in 0..<batch {
                want += Self.reference(Shape(m: m, k: k, n: n), w, Array(x[(i * k * n)..<((i + 1) * k * n)]), b)
            }
            for threads in [1, 2] {
                var y = [Float](repeating: .nan, count: batch * m * n)
                let p = NN.ConvEngine.Problem(batch: batch, inChannels: k, outChannels: m, group: 1, geo: geo, threads: threads)
                try w.withUnsafeBufferPointer { wp in
                    try x.withUnsafeBufferPointer { xp in
                        try b.withUnsafeBufferPointer { bp in
                            try y.withUnsafeMutableBufferPointer { yp in
                                try NN.ConvEngine.forward(p, x: xp.baseAddress!, w: wp.baseAddress!, bias: bp.baseAddress, y: yp.baseAddress!)
                            }
                        }
                    }
                }
                let close = want.indices.allSatisfy { abs(Double(y[$0]) - want[$0]) <= 1e-5 * (1 + abs(want[$0])) }
                #expect(close, "M\(m) K\(k) \(hw) threads \(threads)")
            }
        }
    }
}
