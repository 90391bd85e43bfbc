import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// Convolutions with two threads must give the one-thread results bit for bit, whichever way the
/// work is split: Winograd blocks per thread (including an uneven last block and groups), its
/// phases side by side (one block, or the block left over from whole blocks per thread), im2col split by channels or by kernel rows (a 3-channel stem).
@Suite struct ParallelConvTests {
    typealias Geo = NNConvPoolKernelTests.Geo

    static let geometries: [(Geo, batch: Int)] = [
        // Winograd: three blocks of tile rows (24, 24, 12), two threads taking one whole block each,
        // then both on the last block's phases.
        (Geo(c: 16, m: 16, group: 1, input: [60, 44], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1]), 2),
        // Winograd blocks per thread with groups and an odd plane, no bias.
        (Geo(c: 32, m: 16, group: 2, input: [75, 33], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], bias: false), 1),
        // Winograd with one block: phases side by side.
        (Geo(c: 64, m: 64, group: 1, input: [14, 14], kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1]), 1),
        // im2col stems: 3 channels (split by kernel rows), 7x7 stride 2 and 3x3 stride 2.
        (Geo(c: 3, m: 16, group: 1, input: [64, 60], kernel: [7, 7], strides: [2, 2], dilations: [1, 1], pads: [3, 3, 3, 3]), 2),
        (Geo(c: 3, m: 8, group: 1, input: [50, 47], kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1]), 1),
        // Two channels, a vertical dilation and uneven pads: each kernel row's pad shift.
        (Geo(c: 2, m: 4, group: 1, input: [30, 28], kernel: [3, 3], strides: [1, 2], dilations: [2, 1], pads: [2, 1, 1, 0]), 1),
    ]

    static func conv(_ g: Geo, batch: Int, threads: Int) throws -> [UInt32] {
        let xShape = [batch, g.c] + g.input, wShape = [g.m, g.c / g.group] + g.kernel
        let x = NNConvPoolKernelTests.values(Tensor.elementCount(xShape), seed: 11)
        let w = NNConvPoolKernelTests.values(Tensor.elementCount(wShape), seed: 12)
        let b = NNConvPoolKernelTests.values(g.m, seed: 13)
        let out = try runOp("Conv", opset: 22, attrs: [ints("strides", g.strides.map(Int64.init)), ints("dilations", g.dilations.map(Int64.init)),
                                                      ints("pads", g.pads.map(Int64.init)), int("group", Int64(g.group))],
                            [f32(xShape, x), f32(wShape, w)] + (g.bias ? [f32([g.m], b)] : []), threads: threads)
        return try #require(out[0].tensor).elements(as: Float.self).map(\.bitPattern)
    }

    @Test func twoThreadsGiveTheOneThreadBits() throws {
        // One instruction-set level for all runs (the stems' tiled product rounds per level).
        try withInstructionSetLevel {
            for (g, batch) in Self.geometries {
                let one = try Self.conv(g, batch: batch, threads: 1)
                // Repeated: which thread takes which block varies from run to run.
                for _ in 0..<3 { #expect(try Self.conv(g, batch: batch, threads: 2) == one, "\(g.testDescription) batch \(batch)") }
            }
        }
    }

    /// The Winograd geometries above take the paths their comments name.
    @Test func winogradGeometriesTakeTheirPaths() {
        func blocks(_ i: Int) -> Int {
            let (g, batch) = Self.geometries[i]
            let p = NN.ConvEngine.Problem(batch: batch, inChannels: g.c, outChannels: g.m, group: g.group,
                                          geo: NNConvPoolKernelTests.window3x3(g.input, pads: g.pads))
            #expect(NN.Winograd.applies(p))
            let rows = batch * ((p.geo.outSize[0] + 1) / 2)
            return (rows + NN.Winograd.blockRows(p) - 1) / NN.Winograd.blockRows(p)
        }
        #expect(blocks(0) == 3)
        #expect(blocks(1) >= 2)
        #expect(blocks(2) == 1)
    }
}
