import OnnxModel
@testable import OnnxRuntime
import Testing
import TestSupport

/// Scan through the interpreter: opset 8 (batch axis 0, sequence axis 1, sequence_lens) and 9+.
@Suite struct ScanTests {
    /// Body: (sum_in, next) -> (sum_out = sum_in + next, scan_out = sum_out).
    static let body: Graph = {
        var g = Graph()
        g.name = "body"
        g.inputs = [Fixtures.tensorInfo("sum_in", .float, [.value(2)]), Fixtures.tensorInfo("next", .float, [.value(2)])]
        g.outputs = [Fixtures.tensorInfo("sum_out", .float, [.value(2)]), Fixtures.tensorInfo("scan_out", .float, [.value(2)])]
        g.nodes = [Node(opType: "Add", name: "add", inputs: ["sum_in", "next"], outputs: ["sum_out"]),
                   Node(opType: "Identity", name: "id", inputs: ["sum_out"], outputs: ["scan_out"])]
        return g
    }()

    static func scan8(directions: [Int64]? = nil, lengths: Bool) -> Model {
        var attrs = [Attribute("body", .graph(body)), int("num_scan_inputs", 1)]
        if let directions { attrs.append(ints("directions", directions)) }
        let node = Node(opType: "Scan", name: "scan", inputs: [lengths ? "lens" : "", "init", "x"], outputs: ["final", "scanned"], attributes: attrs)
        var inputs = [Fixtures.tensorInfo("init", .float, [.value(2), .value(2)]), Fixtures.tensorInfo("x", .float, [.value(2), .value(3), .value(2)])]
        if lengths { inputs.insert(Fixtures.tensorInfo("lens", .int64, [.value(2)]), at: 0) }
        return Fixtures.model(nodes: [node], inputs: inputs, outputs: [ValueInfo(name: "final"), ValueInfo(name: "scanned")], opset: 8)
    }

    static let x = f32([2, 3, 2], [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60])
    static let initial = f32([2, 2], [0, 0, 100, 100])

    @Test func opset8ScansEachBatchEntryUpToItsLength() throws {
        let interp = Interpreter(model: Self.scan8(lengths: true))
        var frames: [String] = []
        interp.observer = { if $0.node.name == "add" { frames.append($0.frameLabel) } }
        let y = try interp.run(["lens": .tensor(i64([2], [3, 1])), "init": .tensor(Self.initial), "x": .tensor(Self.x)])
        assertClose(y["final"]!.tensor!, f32([2, 2], [9, 12, 110, 120]))
        // Past its length, an entry's scan output is zero padding.
        assertClose(y["scanned"]!.tensor!, f32([2, 3, 2], [1, 2, 4, 6, 9, 12, 110, 120, 0, 0, 0, 0]))
        #expect(frames == ["body[batch 0, iter 0]", "body[batch 0, iter 1]", "body[batch 0, iter 2]", "body[batch 1, iter 0]"])
    }

    @Test func opset8WithoutLengthsRunsTheWholeSequence() throws {
        let y = try Interpreter(model: Self.scan8(lengths: false)).run(["init": .tensor(Self.initial), "x": .tensor(Self.x)])
        assertClose(y["final"]!.tensor!, f32([2, 2], [9, 12, 190, 220]))
        assertClose(y["scanned"]!.tensor!, f32([2, 3, 2], [1, 2, 4, 6, 9, 12, 110, 120, 140, 160, 190, 220]))
    }

    @Test func opset8ReverseScansTheFirstLengthElementsBackwards() throws {
        let y = try Interpreter(model: Self.scan8(directions: [1], lengths: true))
            .run(["lens": .tensor(i64([2], [3, 2])), "init": .tensor(Self.initial), "x": .tensor(Self.x)])
        assertClose(y["final"]!.tensor!, f32([2, 2], [9, 12, 140, 160]))
        assertClose(y["scanned"]!.tensor!, f32([2, 3, 2], [5, 6, 8, 10, 9, 12, 130, 140, 140, 160, 0, 0]))
    }

    @Test func opset8RejectsBadLengths() throws {
        let interp = Interpreter(model: Self.scan8(lengths: true))
        #expect(throws: RuntimeError.self) {
            try interp.run(["lens": .tensor(i64([2], [4, 1])), "init": .tensor(Self.initial), "x": .tensor(Self.x)])
        }
        #expect(throws: RuntimeError.self) {
            try interp.run(["lens": .tensor(i64([1], [1])), "init": .tensor(Self.initial), "x": .tensor(Self.x)])
        }
    }

    @Test func opset9ScansAxis0WithoutABatch() throws {
        let node = Node(opType: "Scan", name: "scan", inputs: ["init", "x"], outputs: ["final", "scanned"],
                        attributes: [Attribute("body", .graph(Self.body)), int("num_scan_inputs", 1)])
        let m = Fixtures.model(nodes: [node], inputs: [Fixtures.tensorInfo("init", .float, nil), Fixtures.tensorInfo("x", .float, nil)],
                               outputs: [ValueInfo(name: "final"), ValueInfo(name: "scanned")], opset: 11)
        let y = try Interpreter(model: m).run(["init": .tensor(f32([2], [0, 0])), "x": .tensor(f32([3, 2], [1, 2, 3, 4, 5, 6]))])
        assertClose(y["final"]!.tensor!, f32([2], [9, 12]))
        assertClose(y["scanned"]!.tensor!, f32([3, 2], [1, 2, 4, 6, 9, 12]))
    }
}
