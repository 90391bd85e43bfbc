import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// Concat outputs large enough to split over threads: each thread copies the pieces of the blocks
/// inside its output range (ranges starting mid-block and mid-outer-index included). Two threads
/// must give the one-thread result, which is checked element by element.
@Suite struct ParallelConcatTests {
    /// Input shapes and the axis: channels of a batch of 2 (DenseNet-like), and the last axis with
    /// 505 outer indices of 133 elements (the halves meet inside an outer index and a block).
    static let cases: [([[Int]], Int)] = [
        ([[2, 20, 40, 41], [2, 12, 40, 41], [2, 7, 40, 41]], 1),
        ([[1, 5, 101, 70], [1, 5, 101, 63]], 3),
    ]

    @Test func twoThreadsCopyEveryElementOnce() throws {
        for (shapes, axis) in Self.cases {
            let names = shapes.indices.map { "x\($0)" }
            var out = shapes[0]
            out[axis] = shapes.map { $0[axis] }.reduce(0, +)
            #expect(Tensor.elementCount(out) / 2 > Parallel.grain)
            let model = Fixtures.model(
                nodes: [Node(opType: "Concat", name: "cat", inputs: names, outputs: ["y"], attributes: [Attribute("axis", .int(Int64(axis)))])],
                inputs: zip(names, shapes).map { Fixtures.tensorInfo($0, .float, $1.map { .value(Int64($0)) }) },
                outputs: [Fixtures.tensorInfo("y", .float, nil)])
            // Input k holds k * 1e6 + its flat index: every output element names its source.
            var feeds: [String: Value] = [:]
            for (k, s) in shapes.enumerated() {
                feeds[names[k]] = .tensor(f32(s, (0..<Tensor.elementCount(s)).map { Float(k * 1_000_000 + $0) }))
            }
            var results: [[Float]] = []
            for threads in [1, 2] {
                var o = Interpreter.Options()
                o.threads = threads
                results.append(try #require(try Interpreter(model: model, options: o).run(feeds)["y"]?.tensor).elements(as: Float.self))
            }
            #expect(results[0] == results[1])
            // Expected: outer index o, then each input's block of shape[axis] * inner elements.
            let inner = out[(axis + 1)...].reduce(1, *), outer = out[..<axis].reduce(1, *)
            var expected: [Float] = []
            for o in 0..<outer {
                for (k, s) in shapes.enumerated() {
                    let b = s[axis] * inner
                    expected += (0..<b).map { Float(k * 1_000_000 + o * b + $0) }
                }
            }
            #expect(results[1] == expected, "\(shapes) axis \(axis)")
        }
    }
}
