@testable import OnnxRuntime
import Testing

/// The float32 depthwise kernel (CFastMath) on the shapes its layouts split on: output widths
/// around one 16-float vector (flat vectors across row ends, the row-by-row path at multiples of
/// 16, whole-vector copies out), strides 1-4 per dimension (stride phases, the stride-2 shuffle),
/// dilation, pads past the window's reach, channel multipliers, rank 1, the small planes that go
/// 16 at a time with one plane per lane, and the row kernel for common stride-1 and -2 windows.
@Suite struct DepthwiseKernelTests {
    typealias Geo = NNConvPoolKernelTests.Geo

    static func dw(_ c: Int, m: Int? = nil, _ input: [Int], k: [Int], s: [Int], d: [Int]? = nil, p: [Int]) -> Geo {
        Geo(c: c, m: m ?? c, group: c, input: input, kernel: k, strides: s, dilations: d ?? k.map { _ in 1 }, pads: p)
    }

    static let geometries: [Geo] = [
        dw(2, [5, 3], k: [3, 3], s: [1, 1], p: [1, 0, 1, 0]),                  // ow 1
        dw(3, [7, 7], k: [3, 3], s: [1, 1], p: [1, 1, 1, 1]),                  // ow 7, MobileNet's 7x7
        dw(2, m: 4, [14, 14], k: [5, 5], s: [2, 2], p: [2, 2, 2, 2]),          // ow 7, stride 2, multiplier
        dw(2, [9, 25], k: [5, 5], s: [2, 2], p: [2, 2, 2, 2]),                 // ow 13
        dw(2, m: 4, [14, 28], k: [3, 3], s: [2, 2], p: [0, 0, 1, 1]),          // ow 14, TF-style pads
        dw(2, [6, 15], k: [7, 7], s: [1, 1], p: [3, 3, 3, 3]),                 // ow 15
        dw(3, [5, 16], k: [3, 3], s: [1, 1], p: [1, 1, 1, 1]),                 // ow 16: rows
        dw(2, [4, 17], k: [1, 5], s: [1, 1], p: [0, 2, 0, 2]),                 // ow 17, 1x5
        dw(2, [10, 84], k: [3, 3], s: [3, 3], p: [1, 1, 1, 1]),                // ow 28, stride 3
        dw(2, [7, 112], k: [5, 5], s: [2, 2], p: [2, 2, 2, 2]),                // ow 56
        dw(2, [4, 112], k: [3, 3], s: [1, 1], d: [2, 2], p: [2, 2, 2, 2]),     // ow 112, dilation: rows
        dw(2, [5, 224], k: [3, 3], s: [2, 2], p: [1, 1, 1, 1]),                // ow 112, stride 2: rows
        dw(2, [9, 31], k: [3, 3], s: [2, 2], d: [2, 2], p: [2, 2, 2, 2]),      // stride and dilation 2
        dw(2, [11, 19], k: [3, 5], s: [3, 1], p: [1, 2, 0, 2]),                // strides 3 x 1
        dw(2, [10, 23], k: [5, 3], s: [1, 3], d: [1, 2], p: [2, 1, 3, 0]),     // strides 1 x 3
        dw(2, [8, 21], k: [3, 3], s: [2, 3], p: [1, 1, 1, 1]),                 // strides 2 x 3
        dw(2, [9, 30], k: [3, 3], s: [4, 4], p: [1, 1, 1, 1]),                 // stride 4
        dw(2, [3, 20], k: [5, 5], s: [2, 2], p: [6, 1, 0, 7]),                 // pads past the reach
        dw(2, [2, 2], k: [3, 3], s: [1, 2], p: [5, 6, 4, 3]),                  // output mostly pad
        dw(3, m: 6, [56, 56], k: [3, 3], s: [1, 1], p: [1, 1, 1, 1]),          // multiplier, many vectors
        // The row kernel (depthwise_rows.c): 3x3 stride 1 from 40 wide, stride 2 3x3 and 5x5 from
        // 16 wide; an odd number of output rows (the last pair is one row), pads on one side.
        dw(2, [7, 45], k: [3, 3], s: [1, 1], p: [1, 1, 1, 1]),                 // ow 45, oh 7
        dw(2, m: 4, [9, 33], k: [3, 3], s: [2, 2], p: [1, 1, 1, 1]),           // ow 17, multiplier
        dw(2, [10, 64], k: [3, 3], s: [2, 2], p: [0, 0, 1, 1]),                // TF-style pads
        dw(2, [9, 40], k: [5, 5], s: [2, 2], p: [2, 1, 1, 2]),                 // 5x5, asymmetric pads
        dw(2, [3, 50], k: [3, 3], s: [1, 1], p: [2, 2, 0, 0]),                 // pads of 2, rows 3
        dw(2, [1], k: [3], s: [1], p: [1, 1]),                                 // rank 1, ow 1
        dw(2, m: 4, [17], k: [5], s: [2], p: [2, 2]),                          // rank 1, stride 2
        dw(2, [40], k: [3], s: [1], d: [3], p: [0, 3]),                        // rank 1, wider than a vector
        // 16 planes per vector (one per lane): small planes with at least 16 planes per call;
        // batch 2 puts a group across the batch boundary, 17 and 20 leave planes for the flat path.
        dw(17, [7, 7], k: [3, 3], s: [1, 1], p: [1, 1, 1, 1]),
        dw(12, [7, 9], k: [5, 5], s: [1, 1], p: [2, 1, 3, 2]),
        dw(10, m: 20, [14, 14], k: [5, 5], s: [2, 2], p: [1, 2, 2, 1]),
        dw(16, [13, 11], k: [7, 7], s: [1, 1], p: [3, 3, 3, 3]),
        dw(16, [9, 10], k: [3, 3], s: [3, 2], d: [2, 1], p: [4, 0, 1, 5]),
        dw(16, [3, 4], k: [3, 3], s: [1, 1], p: [1, 1, 1, 1]),                // under 16 inputs and outputs
        dw(16, [2, 3], k: [3, 1], s: [1, 2], p: [2, 0, 2, 0]),
        dw(20, [6], k: [3], s: [1], p: [1, 1]),                               // rank 1
    ]

    @Test func matchNaiveLoopsAtEveryLevel() throws {
        let top = withInstructionSetLevel { FastMath.level }
        for level in 0...top {
            try withInstructionSetLevel(level) {
                for g in Self.geometries { try NNConvPoolKernelTests.checkAgainstNaiveLoops(g, note: "level \(level)") }
            }
        }
    }

    @Test(arguments: geometries) func twoThreadsMatchNaiveLoops(_ g: Geo) throws {
        try NNConvPoolKernelTests.checkAgainstNaiveLoops(g, threads: 2, note: "2 threads")
    }

    /// A call for planes [1, 3) of 4 writes only those planes (another thread owns the others) and
    /// only the scratch it asked for, at every level.
    @Test(arguments: [(7, 7, 3, 1), (14, 14, 5, 2), (3, 16, 3, 1), (9, 5, 1, 1), (2, 1, 3, 2), (9, 48, 3, 1), (5, 40, 5, 2)])
    func writesOnlyItsPlanesAndScratch(_ shape: (Int, Int, Int, Int)) {
        let (ih, iw, k, stride) = shape
        var s = FastMath.DepthwiseShape()
        (s.batch, s.inChannels, s.outChannels, s.multiplier) = (2, 2, 2, 1)
        (s.ih, s.iw, s.kh, s.kw, s.sh, s.sw, s.ph, s.pw) = (ih, iw, k, k, stride, stride, k / 2, k / 2)
        s.oh = (ih + 2 * (k / 2) - k) / stride + 1
        s.ow = (iw + 2 * (k / 2) - k) / stride + 1
        let plane = s.oh * s.ow, guardCount = 64, sentinel: Float = 12345
        let x = NNConvPoolKernelTests.values(4 * ih * iw, seed: 4), w = NNConvPoolKernelTests.values(2 * k * k, seed: 5)
        let top = withInstructionSetLevel { FastMath.level }
        for level in 0...top {
            instructionSetLevelLock.lock()
            FastMath.capLevel(level)
            defer {
                FastMath.capLevel(2)
                instructionSetLevelLock.unlock()
            }
            var y = [Float](repeating: sentinel, count: 4 * plane)
            var scratch = [Float](repeating: sentinel, count: s.scratchCount + guardCount)
            x.withUnsafeBufferPointer { xb in
                w.withUnsafeBufferPointer { wb in
                    y.withUnsafeMutableBufferPointer { yb in
                        scratch.withUnsafeMutableBufferPointer { sb in
                            FastMath.depthwise(s, x: xb.baseAddress!, w: wb.baseAddress!, bias: nil, y: yb.baseAddress!,
                                               planes: 1..<3, scratch: sb.baseAddress!)
                        }
                    }
                }
            }
            #expect(y[0..<plane].allSatisfy { $0 == sentinel } && y[(3 * plane)...].allSatisfy { $0 == sentinel }, "level \(level)")
            #expect(!y[plane..<(3 * plane)].contains(sentinel), "level \(level)")
            #expect(scratch[s.scratchCount...].allSatisfy { $0 == sentinel }, "level \(level)")
        }
    }
}
