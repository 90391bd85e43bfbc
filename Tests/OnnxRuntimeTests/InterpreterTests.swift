import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

@Suite struct InterpreterTests {
    static func feeds(_ x: [Float]) -> [String: Value] { ["x": .tensor(f32([x.count / 3, 3], x))] }

    @Test func runsAddRelu() throws {
        let interp = Interpreter(model: Fixtures.addRelu())
        let out = try interp.run(Self.feeds([1, 1, 1, -5, 0, 0]))
        assertClose(out["y"]!.tensor!, f32([2, 3], [2, 0, 4, 0, 0, 3]))
        #expect(interp.nodesExecuted == 2)
    }

    @Test func stepsAndObserves() throws {
        let interp = Interpreter(model: Fixtures.addRelu())
        var seen: [String] = []
        interp.observer = { seen.append("\($0.path):\($0.node.opType):\($0.outputs.count)") }
        try interp.start(feeds: Self.feeds([1, 2, 3]))
        #expect(interp.nextNode?.path == "add")
        let s1 = try interp.step()
        #expect(s1.reason == .stepped)
        #expect(s1.event?.path == "add")
        #expect(interp.nextNode?.path == "relu")
        assertClose(try interp.value(named: "s")!.tensor!, f32([1, 3], [2, 0, 6]))
        #expect(try interp.value(named: "y") == nil)
        _ = try interp.step()
        #expect(interp.isFinished)
        #expect(seen == ["add:Add:1", "relu:Relu:1"])
        #expect(try interp.step().reason == .finished)
    }

    @Test func nodeAndOpBreakpointsStopBefore() throws {
        let interp = Interpreter(model: Fixtures.addRelu())
        interp.breakpoints = [.opType("Relu")]
        try interp.start(feeds: Self.feeds([1, 2, 3]))
        let stop = try interp.run(until: .end)
        #expect(stop.reason == .breakpoint(.opType("Relu")))
        #expect(stop.nodePath == "relu")
        #expect(interp.nodesExecuted == 1)
        // Continuing runs past the breakpoint it is sitting on.
        #expect(try interp.run(until: .end).reason == .finished)

        interp.breakpoints = [.node("add")]
        try interp.start(feeds: Self.feeds([1, 2, 3]))
        #expect(try interp.run(until: .end).reason == .breakpoint(.node("add")))
        #expect(interp.nodesExecuted == 0)
    }

    @Test func runUntilNode() throws {
        let interp = Interpreter(model: Fixtures.addRelu())
        try interp.start(feeds: Self.feeds([1, 2, 3]))
        let stop = try interp.run(until: .node("relu"))
        #expect(stop.reason == .reachedTarget)
        #expect(stop.location?.path == "relu")
    }

    static func nanModel() -> Model {
        Fixtures.model(nodes: [Node(opType: "Sqrt", name: "sqrt", inputs: ["x"], outputs: ["r"]),
                               Node(opType: "Add", name: "add", inputs: ["r", "x"], outputs: ["y"])],
                       inputs: [Fixtures.tensorInfo("x", .float, [.value(3)])], outputs: [Fixtures.tensorInfo("y", .float, [.value(3)])])
    }

    @Test func nanBreakpointStopsAfterTheNode() throws {
        let interp = Interpreter(model: Self.nanModel())
        interp.breakpoints = [.nan]
        try interp.start(feeds: ["x": .tensor(f32([3], [4, -1, 9]))])
        let stop = try interp.run(until: .end)
        #expect(stop.reason == .breakpoint(.nan))
        #expect(stop.nodePath == "sqrt")
        #expect(stop.detail?.contains("index [1] (flat 1)") == true)
        interp.breakpoints = [.magnitudeAbove(100)]
        try interp.start(feeds: ["x": .tensor(f32([3], [4, 1, 900]))])
        #expect(try interp.run(until: .end).reason == .breakpoint(.magnitudeAbove(100)))
    }

    @Test func evictsAndRecomputes() throws {
        var options = Interpreter.Options()
        options.memoryBudget = 0
        let interp = Interpreter(model: Fixtures.addRelu(), options: options)
        try interp.start(feeds: Self.feeds([1, 2, 3]))
        _ = try interp.run(until: .end)
        #expect(interp.state(of: "s") == .evicted)
        assertClose(try interp.value(named: "s")!.tensor!, f32([1, 3], [2, 0, 6]))
        #expect(interp.state(of: "y") != .evicted)
        #expect(interp.state(of: "b") == .initializer)
    }

    @Test func feedErrors() throws {
        let interp = Interpreter(model: Fixtures.addRelu())
        #expect(throws: RuntimeError.self) { try interp.start(feeds: [:]) }
        do {
            try interp.start(feeds: ["x": .tensor(f32([1, 4], [1, 2, 3, 4]))])
            Issue.record("expected a shape error")
        } catch {
            #expect(error.kind == .invalidFeed)
            #expect(error.message.contains("[N,3]"))
        }
        #expect(throws: RuntimeError.self) { try interp.start(feeds: ["x": .tensor(i64([1, 3], [1, 2, 3]))]) }
    }

    @Test func unknownOpFailsWhenReachedNamingTheNode() throws {
        let m = Fixtures.model(nodes: [Node(opType: "Relu", name: "ok", inputs: ["x"], outputs: ["a"]),
                                       Node(opType: "FancyOp", name: "fancy", inputs: ["a"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .float, [.value(1)])], outputs: [Fixtures.tensorInfo("y", .float, nil)])
        let interp = Interpreter(model: m)
        try interp.start(feeds: ["x": .tensor(f32([1], [1]))])
        do {
            _ = try interp.run(until: .end)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unsupportedOp)
            #expect(error.description == "node 'fancy' (FancyOp): unsupported op FancyOp")
            #expect(interp.nodesExecuted == 1)
            #expect(interp.nextNode?.path == "fancy")
        }
    }

    @Test func kernelErrorsNameNodeAndInput() throws {
        let m = Fixtures.model(nodes: [Node(opType: "MatMul", name: "mm", inputs: ["x", "w"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .float, nil), Fixtures.tensorInfo("w", .float, nil)],
                               outputs: [Fixtures.tensorInfo("y", .float, nil)])
        let interp = Interpreter(model: m)
        do {
            _ = try interp.run(["x": .tensor(f32([1, 2], [1, 2])), "w": .tensor(f32([3, 1], [1, 2, 3]))])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("node 'mm' (MatMul): shapes [1,2] and [3,1] cannot be multiplied"))
        }
    }

    /// y = x summed 3 times in a Loop whose body reads the outer-scope x.
    static func loopModel() -> Model {
        let body = Fixtures.accumulatorBody([Node(opType: "Add", name: "Add_1", inputs: ["acc", "x"], outputs: ["acc_out"]),
                                             Node(opType: "Identity", name: "copy", inputs: ["acc_out"], outputs: ["scan"])], scanOutputs: ["scan"])
        let loop = Node(opType: "Loop", name: "Loop_3", inputs: ["trips", "", "zero"], outputs: ["y", "ys"],
                        attributes: [Attribute("body", .graph(body))])
        return Fixtures.model(nodes: [loop], inputs: [Fixtures.tensorInfo("x", .float, [.value(2)])],
                              outputs: [Fixtures.tensorInfo("y", .float, nil), Fixtures.tensorInfo("ys", .float, nil)],
                              initializers: [Tensor(shape: [], [Int64(3)]).tensorData(name: "trips"), Fixtures.floats("zero", [2], [0, 0])])
    }

    @Test func loopRunsAsChildFramesWithPaths() throws {
        let interp = Interpreter(model: Self.loopModel())
        var paths: [String] = []
        interp.observer = { paths.append($0.path) }
        let out = try interp.run(["x": .tensor(f32([2], [1, 2]))])
        assertClose(out["y"]!.tensor!, f32([2], [3, 6]))
        assertClose(out["ys"]!.tensor!, f32([3, 2], [1, 2, 2, 4, 3, 6]))
        #expect(paths.contains("Loop_3/body[iter 2]/Add_1"))
        #expect(paths.last == "Loop_3")
    }

    /// Keeping intermediates, a finished loop iteration's values and eviction-queue entries go
    /// with its frame: a long loop does not hold every iteration until the end of the run.
    @Test func keptLoopIterationsAreReleasedWithTheirFrames() throws {
        let body = Fixtures.accumulatorBody([Node(opType: "Add", name: "add", inputs: ["acc", "x"], outputs: ["t"]),
                                             Node(opType: "Neg", name: "neg", inputs: ["t"], outputs: ["acc_out"])])
        let loop = Node(opType: "Loop", name: "loop", inputs: ["trips", "", "zero"], outputs: ["y"], attributes: [Attribute("body", .graph(body))])
        let m = Fixtures.model(nodes: [loop], inputs: [Fixtures.tensorInfo("x", .float, [.value(2)])], outputs: [Fixtures.tensorInfo("y", .float, nil)],
                               initializers: [Tensor(shape: [], [Int64(50)]).tensorData(name: "trips"), Fixtures.floats("zero", [2], [0, 0])])
        var o = Interpreter.Options()
        o.keepIntermediates = true
        let interp = Interpreter(model: m, options: o)
        var seen = 0
        interp.observer = { e in if e.node.name == "add" { seen += 1 } }
        let out = try interp.run(["x": .tensor(f32([2], [1, 2]))])
        #expect(seen == 50)
        // acc alternates: -(0 + x), -(-x + x) = 0, ...; after 50 iterations it is 0.
        assertClose(out["y"]!.tensor!, f32([2], [0, 0]))
        #expect(interp.evictionQueue.count - interp.evictionHead == 0)
        #expect(interp.heldBytes == 8)
    }

    @Test func stepIntoAndOutOfALoopBody() throws {
        let interp = Interpreter(model: Self.loopModel())
        try interp.start(feeds: ["x": .tensor(f32([2], [1, 2]))])
        let s = try interp.step(into: true)
        #expect(s.reason == .stepped)
        #expect(interp.nextNode?.path == "Loop_3/body[iter 0]/keep")
        #expect(interp.framePaths == ["", "Loop_3/body[iter 0]"])
        _ = try interp.step()
        _ = try interp.step()
        // Inside the body, outer-scope and body values are both visible.
        assertClose(try interp.value(named: "acc_out")!.tensor!, f32([2], [1, 2]))
        assertClose(try interp.value(named: "x")!.tensor!, f32([2], [1, 2]))
        let out = try interp.run(until: .frameExit)
        #expect(out.reason == .frameExited)
        // A breakpoint inside the body at a given iteration.
        interp.breakpoints = [.node("Loop_3/body[iter 2]/Add_1")]
        try interp.start(feeds: ["x": .tensor(f32([2], [1, 2]))])
        let stop = try interp.run(until: .end)
        #expect(stop.reason == .breakpoint(.node("Loop_3/body[iter 2]/Add_1")))
        assertClose(try interp.value(named: "acc")!.tensor!, f32([2], [2, 4]))
        #expect(try interp.run(until: .end).reason == .finished)
    }

    @Test func ifReadsOuterScope() throws {
        var thenG = Graph(), elseG = Graph()
        thenG.outputs = [Fixtures.tensorInfo("t", .float, nil)]
        thenG.nodes = [Node(opType: "Neg", name: "neg", inputs: ["x"], outputs: ["t"])]
        elseG.outputs = [Fixtures.tensorInfo("e", .float, nil)]
        elseG.nodes = [Node(opType: "Identity", name: "id", inputs: ["x"], outputs: ["e"])]
        let m = Fixtures.model(nodes: [Node(opType: "If", name: "if", inputs: ["c"], outputs: ["y"],
                                            attributes: [Attribute("then_branch", .graph(thenG)), Attribute("else_branch", .graph(elseG))])],
                               inputs: [Fixtures.tensorInfo("c", .bool, []), Fixtures.tensorInfo("x", .float, nil)],
                               outputs: [Fixtures.tensorInfo("y", .float, nil)])
        let interp = Interpreter(model: m)
        var paths: [String] = []
        interp.observer = { paths.append($0.path) }
        let y = try interp.run(["c": .tensor(.scalar(true)), "x": .tensor(f32([1], [2]))])
        assertClose(y["y"]!.tensor!, f32([1], [-2]))
        #expect(paths == ["if/then_branch/neg", "if"])
    }

    @Test func modelLocalFunctionRunsAsAFrame() throws {
        var f = Function()
        f.name = "Double"
        f.domain = "local"
        f.inputs = ["X"]
        f.outputs = ["Y"]
        f.opsetImports = [OpsetImport(domain: "", version: 17)]
        f.nodes = [Node(opType: "Add", name: "twice", inputs: ["X", "X"], outputs: ["Y"])]
        var m = Fixtures.model(nodes: [Node(opType: "Double", name: "call", inputs: ["x"], outputs: ["y"], domain: "local")],
                               inputs: [Fixtures.tensorInfo("x", .float, nil)], outputs: [Fixtures.tensorInfo("y", .float, nil)],
                               extraOpsets: [OpsetImport(domain: "local", version: 1)])
        m.functions = [f]
        let interp = Interpreter(model: m)
        var paths: [String] = []
        interp.observer = { paths.append($0.path) }
        let y = try interp.run(["x": .tensor(f32([2], [1, 2]))])
        assertClose(y["y"]!.tensor!, f32([2], [2, 4]))
        #expect(paths == ["call/Double/twice", "call"])
    }

    @Test func interruptStopsARun() throws {
        let interp = Interpreter(model: Fixtures.addRelu())
        try interp.start(feeds: Self.feeds([1, 2, 3]))
        interp.interrupt()
        #expect(try interp.run(until: .end).reason == .interrupted)
        #expect(try interp.run(until: .end).reason == .finished)
    }

    @Test func outOfOrderNodesAreSorted() throws {
        let m = Fixtures.model(nodes: [Node(opType: "Relu", name: "second", inputs: ["a"], outputs: ["y"]),
                                       Node(opType: "Neg", name: "first", inputs: ["x"], outputs: ["a"])],
                               inputs: [Fixtures.tensorInfo("x", .float, nil)], outputs: [Fixtures.tensorInfo("y", .float, nil)])
        let y = try Interpreter(model: m).run(["x": .tensor(f32([2], [1, -1]))])
        assertClose(y["y"]!.tensor!, f32([2], [0, 1]))
    }
}

/// Nodes that depend only on initializers run once; later runs reuse their outputs.
@Suite struct ConstantFoldingTests {
    /// y = x @ Transpose(w) + Neg(b) + RandomUniformLike(b) * 0, with `b` also a graph input (overridable).
    static func model() -> Model {
        var t = Node(opType: "Transpose", name: "wt", inputs: ["w"], outputs: ["w_t"])
        t.attributes = [Attribute("perm", .ints([1, 0]))]
        var r = Node(opType: "RandomUniformLike", name: "noise", inputs: ["w"], outputs: ["n"])
        r.attributes = [Attribute("high", .float(0))]
        return Fixtures.model(
            nodes: [t, r,
                    Node(opType: "MatMul", name: "mm", inputs: ["x", "w_t"], outputs: ["p"]),
                    Node(opType: "Neg", name: "negb", inputs: ["b"], outputs: ["nb"]),
                    Node(opType: "Add", name: "add", inputs: ["p", "nb"], outputs: ["y"])],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(2)]), Fixtures.tensorInfo("b", .float, [.value(2)])],
            outputs: [Fixtures.tensorInfo("y", .float, [.value(1), .value(2)])],
            initializers: [Fixtures.floats("w", [2, 2], [1, 2, 3, 4]), Fixtures.floats("b", [2], [10, 20])])
    }

    func node(_ i: Interpreter, _ name: String) -> NodePlan { i.root.nodes.first { $0.node.name == name }! }

    @Test func onlyInitializerOnlyDeterministicNodesFold() {
        let i = Interpreter(model: Self.model())
        #expect(node(i, "wt").foldable)
        #expect(!node(i, "noise").foldable)   // random: differs per run
        #expect(!node(i, "negb").foldable)    // b is a graph input: a feed may replace it
        #expect(!node(i, "mm").foldable)
    }

    @Test func laterRunsReuseTheFoldedOutputsAndStayCorrect() throws {
        let i = Interpreter(model: Self.model())
        let y1 = try i.run(["x": .tensor(f32([1, 2], [1, 0]))])
        assertClose(y1["y"]!.tensor!, f32([1, 2], [1 - 10, 3 - 20]))
        let kept = try #require(node(i, "wt").folded?.first?.tensor)
        // A feed for b, and a new x: only the folded transpose is reused.
        let y2 = try i.run(["x": .tensor(f32([1, 2], [0, 1])), "b": .tensor(f32([2], [0, 0]))])
        assertClose(y2["y"]!.tensor!, f32([1, 2], [2, 4]))
        #expect(node(i, "wt").folded?.first?.tensor?.buffer === kept.buffer)
        #expect(i.nodesExecuted == 5)
    }

    /// IR version 3 lists every initializer among the inputs; those are weights, not defaults.
    @Test func irVersion3InitializerInputsAreFixedWeights() throws {
        var m = Self.model()
        m.irVersion = 3
        m.graph.inputs.append(Fixtures.tensorInfo("w", .float, [.value(2), .value(2)]))
        let i = Interpreter(model: m)
        #expect(node(i, "negb").foldable)
        #expect(node(i, "wt").foldable)
        let y = try i.run(["x": .tensor(f32([1, 2], [1, 0]))])
        assertClose(y["y"]!.tensor!, f32([1, 2], [1 - 10, 3 - 20]))
        // Feeding one would change what was folded: refused, naming the input.
        let e = #expect(throws: RuntimeError.self) { try i.run(["x": .tensor(f32([1, 2], [1, 0])), "b": .tensor(f32([2], [0, 0]))]) }
        #expect(e?.message.contains("'b'") == true)
        #expect(e?.message.contains("IR version 3") == true)
        // From IR version 4 on the same inputs are overridable defaults.
        m.irVersion = 4
        #expect(!node(Interpreter(model: m), "negb").foldable)
    }

    @Test func foldingCanBeTurnedOff() throws {
        var o = Interpreter.Options()
        o.foldConstants = false
        let i = Interpreter(model: Self.model(), options: o)
        _ = try i.run(["x": .tensor(f32([1, 2], [1, 0]))])
        #expect(node(i, "wt").folded == nil)
    }
}
