import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// The cheap paths of observed runs: the eviction queue's unretained frames, the observer called
/// through an unretained box, events that keep their node alive through their frame's names, and
/// sizes read in place.
@Suite struct EventBookkeepingTests {
    static let n = 16384  // 64 KiB of float32: large enough to be dropped when recomputable

    /// n = Neg(x) (dropped after Relu reads it: recomputable, 64 KiB) -> r = Relu(n) -> a Loop of
    /// 3 iterations whose body adds the outer r to its accumulator (t = acc + r, u = |t|, acc_out = u).
    static func model() -> Model {
        let body = Fixtures.accumulatorBody([Node(opType: "Add", name: "add", inputs: ["acc", "r"], outputs: ["t"]),
                                             Node(opType: "Abs", name: "abs", inputs: ["t"], outputs: ["u"]),
                                             Node(opType: "Identity", name: "out", inputs: ["u"], outputs: ["acc_out"])])
        let loop = Node(opType: "Loop", name: "loop", inputs: ["trips", "", "zero"], outputs: ["y"], attributes: [Attribute("body", .graph(body))])
        return Fixtures.model(
            nodes: [Node(opType: "Neg", name: "neg", inputs: ["x"], outputs: ["n"]),
                    Node(opType: "Relu", name: "relu", inputs: ["n"], outputs: ["r"]),
                    loop],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(Int64(n))])],
            outputs: [Fixtures.tensorInfo("y", .float, nil)],
            initializers: [Tensor(shape: [], [Int64(3)]).tensorData(name: "trips"),
                           Fixtures.floats("zero", [Int64(n)], [Float](repeating: 0, count: n))])
    }

    static func x() -> Value { .tensor(f32([n], (0..<n).map { Float($0 % 7) - 3 })) }

    /// A value of the main graph recomputed while paused inside the loop body is queued after the
    /// body's own entries; the body's frame must still take all of its entries with it when it
    /// finishes (the queue does not retain frames).
    @Test func recomputingAnOuterValueInsideABodyKeepsTheQueueConsistent() throws {
        var o = Interpreter.Options()
        o.keepIntermediates = true
        let interp = Interpreter(model: Self.model(), options: o)
        interp.breakpoints = [.node("loop/body[iter 1]/out")]
        try interp.start(feeds: ["x": Self.x()])
        let stop = try interp.run(until: .end)
        #expect(stop.reason == .breakpoint(.node("loop/body[iter 1]/out")))
        #expect(interp.state(of: "n") == .evicted)
        let body = interp.frames.last!
        #expect(body.queued > 0)
        let n = try interp.value(named: "n")!.tensor!
        #expect(n.elements(as: Float.self)[0...3] == [3, 2, 1, -0.0])
        #expect(interp.state(of: "n") != .evicted)
        interp.breakpoints = []
        #expect(try interp.run(until: .end).reason == .finished)
        let root = interp.frames[0]
        let live = interp.evictionQueue[interp.evictionHead...]
        #expect(live.allSatisfy { $0.frame.toOpaque() == Unmanaged.passUnretained(root).toOpaque() })
        #expect(root.queued == live.count)
        // y = 3 r with r = relu(-x).
        let y = interp.outputs.first { $0.0 == "y" }!.1!.tensor!.elements(as: Float.self)
        #expect(y[0...3] == [9, 6, 3, 0])
    }

    /// An observer may replace itself from inside its own call: the running one stays alive until
    /// the next start, and later events go to the new one.
    @Test func anObserverCanReplaceItselfWhileRunning() throws {
        let interp = Interpreter(model: Self.model())
        var first: [String] = [], second: [String] = []
        interp.observer = { [unowned interp] e in
            first.append(e.path)
            interp.observer = { second.append($0.path) }
        }
        _ = try interp.run(["x": Self.x()])
        #expect(first == ["neg"])
        #expect(second.first == "relu" && second.last == "loop")
        #expect(second.contains("loop/body[iter 2]/out"))
    }

    /// Events name their node after the run (and the interpreter) are gone, and sizes read in
    /// place agree with the values.
    @Test func eventsOutliveTheirRunAndReadSizesInPlace() throws {
        var events: [NodeEvent] = []
        do {
            var o = Interpreter.Options()
            o.keepIntermediates = true
            let interp = Interpreter(model: Self.model(), options: o)
            interp.observer = { events.append($0) }
            _ = try interp.run(["x": Self.x()])
        }
        #expect(events.map(\.node.name).prefix(2) == ["neg", "relu"])
        #expect(events.contains { $0.path == "loop/body[iter 0]/add" && $0.node.opType == "Add" })
        for e in events {
            for k in 0..<e.outputs.count {
                #expect(e.outputs.byteCount(at: k) == (e.outputs[k]?.byteCount ?? 0))
            }
            #expect(e.outputs.byteCount(at: e.outputs.count) == 0)
        }
        #expect(events[0].outputs.byteCount(at: 0) == Self.n * 4)
        let strings = Value.tensor(Tensor(strings: ["ab", "cde"], shape: [2]))
        #expect(strings.byteCount == 2 + 3 + 2 * 16)
        #expect(Value.sequence(SequenceValue([strings, Self.x()])).byteCount == 37 + Self.n * 4)
    }
}
