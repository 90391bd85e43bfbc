import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// The vectorised 2-D pooling path (CFastMath cfm_pool2d) against direct loops over each window:
/// maxima where NaN never wins and sums in the separable engine's order, so the results must be identical,
/// at every instruction-set level, with padding, clipped edge windows and strides 1-3.
@Suite struct Pool2DKernelTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let ih, iw, kh, kw, sh, sw, ph, pw, padEndH, padEndW: Int
        var testDescription: String { "\(ih)x\(iw) k\(kh)x\(kw) s\(sh)x\(sw) p\(ph),\(pw),\(padEndH),\(padEndW)" }
        var geometry: NN.WindowGeometry {
            // ceil_mode-like extra outputs come from the end padding.
            let oh = (ih + ph + padEndH - kh) / sh + 1, ow = (iw + pw + padEndW - kw) / sw + 1
            return NN.WindowGeometry(inSize: [ih, iw], kernel: [kh, kw], strides: [sh, sw], dilations: [1, 1],
                                     padBegin: [ph, pw], padEnd: [padEndH, padEndW], outSize: [oh, ow])
        }
    }

    static let cases: [Case] = [
        Case(ih: 111, iw: 111, kh: 3, kw: 3, sh: 2, sw: 2, ph: 0, pw: 0, padEndH: 0, padEndW: 0),   // SqueezeNet
        Case(ih: 112, iw: 112, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, padEndH: 1, padEndW: 1),   // ResNet stem pool
        Case(ih: 28, iw: 30, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, padEndH: 1, padEndW: 1),     // Inception 3x3 s1
        Case(ih: 13, iw: 17, kh: 5, kw: 4, sh: 3, sw: 3, ph: 2, pw: 1, padEndH: 3, padEndW: 2),
        Case(ih: 7, iw: 7, kh: 7, kw: 7, sh: 1, sw: 1, ph: 0, pw: 0, padEndH: 0, padEndW: 0),       // global-sized window
        Case(ih: 5, iw: 40, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, padEndH: 1, padEndW: 1),      // ceil_mode tail
        Case(ih: 3, iw: 3, kh: 4, kw: 4, sh: 1, sw: 1, ph: 2, pw: 2, padEndH: 2, padEndW: 2),       // windows wider than the plane
    ]

    /// Maxima over the window's taps inside the plane; sums as the separable engine adds them:
    /// each column's rows first (from the first row), then the window's columns left to right.
    static func reference(_ c: Case, _ x: [Float], planes: Int, sum: Bool) -> [Float] {
        let g = c.geometry
        let (oh, ow) = (g.outSize[0], g.outSize[1])
        var y = [Float](repeating: 0, count: planes * oh * ow)
        for p in 0..<planes {
            for i in 0..<oh {
                let rows = Swift.max(0, i * c.sh - c.ph)..<Swift.min(c.ih, i * c.sh - c.ph + c.kh)
                for o in 0..<ow {
                    var a: Float = sum ? 0 : -.infinity
                    for k in 0..<c.kw {
                        let w = o * c.sw - c.pw + k
                        var col: Float = sum ? 0 : -.infinity
                        if w >= 0 && w < c.iw {
                            for (n, h) in rows.enumerated() {
                                let v = x[(p * c.ih + h) * c.iw + w]
                                col = sum ? (n == 0 ? v : col + v) : (v > col ? v : col)
                            }
                        }
                        a = sum ? (k == 0 ? col : a + col) : (col > a ? col : a)
                    }
                    y[(p * oh + i) * ow + o] = a
                }
            }
        }
        return y
    }

    @Test(arguments: cases)
    func vectorPathMatchesDirectLoops(_ c: Case) {
        let planes = 3
        var x = (0..<(planes * c.ih * c.iw)).map { Float(($0 * 7919) % 1009) / 97 - 5 }
        for i in stride(from: 5, to: x.count, by: 37) { x[i] = .nan }
        let g = c.geometry
        for level in 0...2 {
            withInstructionSetLevel(level) {
                for sum in [false, true] {
                    let got = x.withUnsafeBufferPointer { xs in
                        NN.PoolEngine.pool(sum ? .sum : .max, xs.baseAddress!, planes: planes, geo: g, wantIndex: false, includePad: false)
                    }.0
                    let want = Self.reference(c, x, planes: planes, sum: sum)
                    let same = want.indices.allSatisfy { i in
                        let v = got.base[i]
                        return v == want[i] || (v.isNaN && want[i].isNaN)
                    }
                    #expect(same, "\(c.testDescription) \(sum ? "sum" : "max") at level \(level)")
                }
            }
        }
    }

    @Test func hostileWindowsTakeTheGenericPath() {
        #expect(NN.PoolEngine.fastRowFits(Self.cases[0].geometry))
        var g = Self.cases[0].geometry
        g.kernel = [3, 1 << 40]
        #expect(!NN.PoolEngine.fastRowFits(g))
        g = Self.cases[0].geometry
        g.strides = [2, Int.max / 2]
        #expect(!NN.PoolEngine.fastRowFits(g))
        g = Self.cases[0].geometry
        g.padBegin = [0, 1 << 30]
        #expect(!NN.PoolEngine.fastRowFits(g))
    }
}
