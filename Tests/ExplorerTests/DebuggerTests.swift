import Foundation
import Testing
@testable import Explorer
import OnnxModel
import OnnxRuntime
import Reports
import TerminalUI
import TestSupport

/// Scripted debugging sessions on the samples (headless; each request finishes before the next
/// key, see `scripted()`).
@Suite struct DebuggerTests {
    static let nanInput = repoRoot.appendingPathComponent("samples/nan_debug_input.npy").path

    func selectedNode(_ s: AppState) -> (NodeRef, Node)? {
        guard case let .node(ref)? = s.selectedKind else { return nil }
        return (ref, s.index.node(ref))
    }

    func tempDir(_ name: String) -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("oe-dbg-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d.path
    }

    // MARK: stepping and NaN

    @Test func steppingLandsOnTheFirstNaN() throws {
        let m = try sample("nan_debug.onnx")
        let (s, t) = drive(m, debug: scripted { $0.inputFiles["x"] = Self.nanInput }) { $0.send(keys("s s s")) }
        let (ref, node) = try #require(selectedNode(s))
        #expect(node.name == "/features/Sqrt")
        #expect(s.exec.records[ref]?.sawNaN == true)
        #expect(s.exec.records.values.filter { $0.sawNaN }.count == 1)
        #expect(s.message?.text.contains("1 NaN (first at [0, 5])") == true)
        #expect(s.index.node(try #require(s.exec.next)).name == "/head/MatMul")
        #expect(t.screen.text.contains("NaN"))
        assertSnapshot("debug-nan-step", t.screen)
    }

    @Test func tensorViewShowsTheFirstNaNIndex() throws {
        let m = try sample("nan_debug.onnx")
        let (s, t) = drive(m, debug: scripted { $0.inputFiles["x"] = Self.nanInput }) { $0.send(keys("s s s t f")) }
        guard case let .tensor(tv) = s.screen else { Issue.record("not on the tensor view"); return }
        #expect(tv.firstNaN == 5)
        #expect(tv.mark == 5)
        #expect(t.screen.text.contains("first NaN at [0, 5] (flat 5)"))
        assertSnapshot("debug-nan-tensor", t.screen)
    }

    @Test func tensorViewStepsThroughTheNodesValues() throws {
        let m = try sample("nan_debug.onnx")
        // Sqrt's output, then } wraps to its input (the Sub output, a negative value at [0, 5]).
        let (s, t) = drive(m, debug: scripted { $0.inputFiles["x"] = Self.nanInput }) { $0.send(keys("s s s t }")) }
        guard case let .tensor(tv) = s.screen, case let .runtime(spec) = tv.ref else { Issue.record("not on a runtime tensor"); return }
        #expect(spec.name == "/preprocess/Sub_output_0")
        #expect(!spec.isOutput)
        #expect(tv.values?.value(5) == -2)
        #expect(t.screen.text.contains("Sqrt /features/Sqrt · input 0 /preprocess/Sub_output_0"))
    }

    @Test func nanBreakpointStopsAfterTheNodeThatMakesIt() throws {
        let m = try sample("nan_debug.onnx")
        let (s, t) = drive(m, debug: scripted { $0.inputFiles["x"] = Self.nanInput }) { $0.send(keys("! n Esc c")) }
        let (_, node) = try #require(selectedNode(s))
        #expect(node.name == "/features/Sqrt")
        let text = try #require(s.message?.text)
        #expect(text.contains("stopped after Sqrt /features/Sqrt"))
        #expect(text.contains("first at index [0, 5]"))
        #expect(!s.exec.finished)
        #expect(t.screen.text.contains("paused"))
    }

    @Test func allOnesFromTheInputsDialogAlsoFindsIt() throws {
        let m = try sample("nan_debug.onnx")
        // normal -> uniform -> zeros -> ones, apply, then continue with a NaN breakpoint.
        let (s, _) = drive(m, debug: scripted { $0.breakOn = [.nan] }) { $0.send(keys("i Space Space Space a c")) }
        #expect(s.exec.config.source("x") == .ones)
        #expect(selectedNode(s)?.1.name == "/features/Sqrt")
    }

    // MARK: run to cursor, breakpoints

    @Test func runToCursorStopsBeforeTheSelectedNode() throws {
        let m = try sample("nan_debug.onnx")
        let (s, _) = drive(m) { $0.type(":/head/Add\n"); $0.send(keys("r")) }
        let next = try #require(s.exec.next)
        #expect(s.index.node(next).name == "/head/Add")
        #expect(s.exec.records[next] == nil)
        #expect(s.exec.records.count == 4)
        #expect(s.message?.text.contains("stopped before Add /head/Add") == true)
    }

    @Test func runToCursorOnANodeThatRanRestarts() throws {
        let m = try sample("nan_debug.onnx")
        let (s, _) = drive(m) { $0.send(keys("c")); $0.type(":/preprocess/Sub\n"); $0.send(keys("r")) }
        #expect(s.index.node(try #require(s.exec.next)).name == "/preprocess/Sub")
        #expect(s.exec.records.count == 1)
        #expect(!s.exec.finished)
    }

    @Test func nodeBreakpointStopsBeforeIt() throws {
        let m = try sample("nan_debug.onnx")
        let (s, t) = drive(m) { $0.type(":/head/Tanh\n"); $0.send(keys("b g c")) }
        #expect(s.index.node(try #require(s.exec.next)).name == "/head/Tanh")
        #expect(s.message?.text.contains("breakpoint node:/head/Tanh") == true)
        #expect(t.screen.text.contains("1 breakpoint"))
        // Continuing again runs past it to the end.
        let (s2, _) = drive(m) { $0.type(":/head/Tanh\n"); $0.send(keys("b g c c")) }
        #expect(s2.exec.finished)
    }

    @Test func opTypeBreakpointFromThePrompt() throws {
        let m = try sample("nan_debug.onnx")
        let (s, _) = drive(m) { $0.type("BMatM\t\n"); $0.send(keys("c")) }
        #expect(s.exec.opBreakpoints == ["MatMul"])
        #expect(s.index.node(try #require(s.exec.next)).name == "/head/MatMul")
    }

    @Test func breakpointInsideALoopBodyAtAGivenIteration() throws {
        let m = try sample("control_flow.onnx")
        let (s, t) = drive(m) { $0.type("Bnode:accumulate/body[iter 2]/loop/Add\n"); $0.send(keys("c")) }
        #expect(s.exec.nextPath == "accumulate/body[iter 2]/loop/Add")
        let (ref, node) = try #require(selectedNode(s))
        #expect(node.name == "loop/Add")
        #expect(ref.graph != 0)
        #expect(s.exec.records[ref] == nil || s.exec.records[ref]?.runs == 2)
        let mul = try #require(s.exec.records.first { s.index.node($0.key).name == "loop/Mul" })
        #expect(mul.value.runs == 3)
        #expect(mul.value.path == "accumulate/body[iter 2]/loop/Mul")
        assertSnapshot("debug-loop-breakpoint", t.screen)
    }

    @Test func runToCursorInsideALoopBodyGoesIterationByIteration() throws {
        let m = try sample("control_flow.onnx")
        let (s, _) = drive(m) { $0.type(":loop/Add\n"); $0.send(keys("r")) }
        #expect(s.exec.nextPath == "accumulate/body[iter 0]/loop/Add")
        let (s2, _) = drive(m) { $0.type(":loop/Add\n"); $0.send(keys("r r r")) }
        #expect(s2.exec.nextPath == "accumulate/body[iter 2]/loop/Add")
    }

    @Test func stepIntoAndOutOfALoop() throws {
        let m = try sample("control_flow.onnx")
        let (s, _) = drive(m) { $0.type(":accumulate\n"); $0.send(keys("r S")) }
        #expect(s.exec.nextPath == "accumulate/body[iter 0]/loop/Cast")
        let (s2, _) = drive(m) { $0.type(":accumulate\n"); $0.send(keys("r S s o")) }
        #expect(s2.exec.nextPath == "accumulate/body[iter 1]/loop/Cast")
        // Stepping over the Loop runs it whole.
        let (s3, _) = drive(m) { $0.type(":accumulate\n"); $0.send(keys("r s")) }
        #expect(s3.exec.nextPath == "running_sum")
        #expect(s3.exec.records.first { s3.index.node($0.key).name == "loop/Add" }?.value.runs == 3)
    }

    // MARK: exports

    @Test func viewingADroppedValueRecomputesItAndCountsItAsHeld() throws {
        // x [1, 16, 64, 64] -> Conv "c1" -> Relu "r1" -> Conv "y": c1 (144 taps) and r1 (256 KiB
        // each) are dropped after their last use.
        func weights(_ name: String) -> [TensorData] {
            [Fixtures.floats(name, [16, 16, 3, 3], (0..<(16 * 16 * 9)).map { Float($0 % 7) / 64 - 0.04 }),
             Fixtures.floats(name + "_b", [16], (0..<16).map { Float($0) / 16 - 0.5 })]
        }
        func conv(_ name: String, _ x: String, _ w: String) -> Node {
            Node(opType: "Conv", name: name, inputs: [x, w, w + "_b"], outputs: [name],
                 attributes: [Attribute("kernel_shape", .ints([3, 3])), Attribute("pads", .ints([1, 1, 1, 1]))])
        }
        let m = Fixtures.model(nodes: [conv("c1", "x", "w1"), Node(opType: "Relu", name: "r1", inputs: ["c1"], outputs: ["r1"]), conv("y", "r1", "w2")],
                               inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(16), .value(64), .value(64)])],
                               outputs: [Fixtures.tensorInfo("y", .float, nil)], initializers: weights("w1") + weights("w2"))
        let (ran, _) = drive(m) { $0.send(keys("c")) }
        let (viewed, t) = drive(m) {
            $0.send(keys("c"))
            $0.type(":r1\n")
            $0.send(keys("t"))
        }
        guard case let .tensor(tv) = viewed.screen else { Issue.record("not on the tensor view"); return }
        #expect(tv.values?.count == 16 * 64 * 64)
        #expect(t.screen.text.contains("Relu r1"))
        // The status bar counts the recomputed values: r1 and c1, which r1 was recomputed from,
        // 256 KiB each more than after the run.
        #expect(viewed.exec.held - ran.exec.held == 2 * 16 * 64 * 64 * 4)
    }

    @Test func exportedNodeCasePassesTheTestCommand() throws {
        let m = try sample("nan_debug.onnx")
        let parent = tempDir("case"), dir = parent + "/sqrt_case"
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let (s, _) = drive(m, debug: scripted { $0.inputFiles["x"] = Self.nanInput }) {
            $0.send(keys("c"))
            $0.type(":/features/Sqrt\n")
            $0.send(keys("x C-u"))
            $0.type(dir + "\n")
        }
        #expect(s.message?.text.contains("wrote \(dir)/model.onnx") == true)
        let cases = try TestRunner.discover([dir])
        #expect(cases.count == 1)
        let r = TestRunner.run(cases[0])
        #expect(r.status == .pass, "\(r.reason)")
        // The case really holds the NaN.
        guard case let .tensor(td) = try ModelLoader.loadData(path: dir + "/test_data_set_0/output_0.pb") else { Issue.record("not a tensor"); return }
        #expect(try Tensor(data: td).doubleValue(at: 5).isNaN)
    }

    @Test func exportedLoopBodyNodeAndIfNodeCasesPass() throws {
        let m = try sample("control_flow.onnx")
        let root = tempDir("cf")
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A node inside the Loop body (values from its last iteration) and the If (its branches read outer scopes).
        let (s, _) = drive(m) {
            $0.send(keys("c"))
            $0.type(":loop/Add\n")
            $0.send(keys("x C-u"))
            $0.type(root + "/loop_add\n")
            $0.type(":branch\n")
            $0.send(keys("x C-u"))
            $0.type(root + "/branch\n")
        }
        #expect(s.message?.text.contains("wrote") == true, "\(s.message?.text ?? "")")
        let cases = try TestRunner.discover([root])
        #expect(cases.count == 2)
        for c in cases {
            let r = TestRunner.run(c)
            #expect(r.status == .pass, "\(c.name): \(r.reason)")
        }
    }

    @Test func exportTensorWritesNpyAndPb() throws {
        let m = try sample("nan_debug.onnx")
        let dir = tempDir("tensor")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = drive(m, debug: scripted { $0.inputFiles["x"] = Self.nanInput }) {
            $0.type(":preprocess.gain\n")
            $0.send(keys("e C-u"))
            $0.type(dir + "/gain.npy\n")
            $0.send(keys("s s s t e C-u"))
            $0.type(dir + "/sqrt.pb\n")
        }
        let gain = try Npy.read(path: dir + "/gain.npy")
        #expect(gain.shape == [1, 8])
        guard case let .tensor(td) = try ModelLoader.loadData(path: dir + "/sqrt.pb") else { Issue.record("not a tensor"); return }
        #expect(td.name == "/features/Sqrt_output_0")
        #expect(try Tensor(data: td).doubleValue(at: 5).isNaN)
    }

    // MARK: reference

    /// A copy of external_data.onnx with the second layer's weights perturbed, and a --dump-dir
    /// of the original model as the reference.
    func perturbedModel() throws -> (Model, String, String) {
        let m = try sample("external_data.onnx")
        let target = m.graph.nodes[3]
        #expect(target.name == "/fc2/MatMul")
        let wName = target.inputs[1]
        var m2 = m
        let wi = try #require(m2.graph.initializers.firstIndex { $0.name == wName })
        let w = try Tensor(data: m2.graph.initializers[wi])
        var values = w.elements(as: Float.self)
        values[3] += 0.5
        m2.graph.initializers[wi] = Fixtures.floats(wName, m2.graph.initializers[wi].dims, values)
        let dump = tempDir("ref")
        let feeds = try FeedBuilder.feeds(model: m, config: InputConfig()).feeds
        var o = RunReport.Options()
        o.dumpDir = dump
        _ = try RunReport.run(model: m, feeds: feeds, options: o)
        return (m2, dump, target.name)
    }

    @Test func firstDivergenceFindsThePerturbedNode() throws {
        let (m2, dump, target) = try perturbedModel()
        defer { try? FileManager.default.removeItem(atPath: dump) }
        let (s, t) = drive(m2, debug: scripted { $0.referencePath = dump }) { $0.send(keys("d")) }
        #expect(s.exec.reference?.format == "--dump-dir index")
        let (ref, node) = try #require(selectedNode(s))
        #expect(node.name == target)
        #expect(s.exec.records[ref]?.sawDiff == true)
        #expect(s.exec.records.values.filter { $0.sawDiff }.count == 1)
        #expect(s.message?.text.contains("differs from the reference") == true)
        assertSnapshot("debug-divergence", t.screen)
    }

    @Test func tensorViewComparesWithTheReference() throws {
        let (m2, dump, _) = try perturbedModel()
        defer { try? FileManager.default.removeItem(atPath: dump) }
        let (s, t) = drive(m2, debug: scripted { $0.referencePath = dump }) { $0.send(keys("d t")) }
        guard case let .tensor(tv) = s.screen else { Issue.record("not on the tensor view"); return }
        let d = try #require(tv.diff)
        #expect(d.differing > 0)
        #expect(t.screen.text.contains("differ"))
        // The unperturbed first Conv matches.
        let (s2, _) = drive(m2, debug: scripted { $0.referencePath = dump }) { $0.send(keys("s t")) }
        guard case let .tensor(tv2) = s2.screen else { Issue.record("not on the tensor view"); return }
        #expect(tv2.diff?.differing == 0)
    }

    @Test func diffBreakpointFromTheMenu() throws {
        let (m2, dump, target) = try perturbedModel()
        defer { try? FileManager.default.removeItem(atPath: dump) }
        let (s, _) = drive(m2, debug: scripted { $0.referencePath = dump }) { $0.send(keys("! d Esc c")) }
        #expect(selectedNode(s)?.1.name == target)
    }

    // MARK: inputs

    @Test func inputsAreRememberedPerModel() throws {
        let m = try sample("external_data.onnx")
        let state = tempDir("state")
        defer { try? FileManager.default.removeItem(atPath: state) }
        // x: uniform [-1, 1); dim batch 2; seed 7.
        func choose(_ t: HeadlessTerminal) {
            t.send(keys("i Space Enter C-u"))
            t.type("-1 1\n")
            t.send(keys("j Enter C-u"))
            t.type("2\n")
            t.send(keys("j Enter C-u"))
            t.type("7\n")
        }
        let (s, t) = drive(m, debug: scripted { $0.stateDirectory = state }) { choose($0) }
        #expect(s.inputsDialog != nil)
        assertSnapshot("debug-inputs-dialog", t.screen)
        let (s2, _) = drive(m, debug: scripted { $0.stateDirectory = state }) { choose($0); $0.send(keys("a c")) }
        #expect(s2.exec.finished, "\(s2.message?.text ?? "")")
        #expect(s2.message?.text.contains("y float32[2,8]") == true, "\(s2.message?.text ?? "")")
        #expect(s2.exec.inputsText.first?.contains("random uniform [-1, 1) float32[2,16]") == true)
        // A new session on the same model starts from the remembered choice.
        let (s3, _) = drive(m, debug: scripted { $0.stateDirectory = state }) { _ in }
        #expect(s3.exec.config.source("x") == .uniform(low: -1, high: 1))
        #expect(s3.exec.config.dim("batch") == 2)
        #expect(s3.exec.config.seed == 7)
    }

    @Test func inputStoreRoundTripsHostileNames() {
        var c = InputConfig()
        c.sources["a\tb\nc\\"] = .file("/tmp/x\ty.npy")
        c.sources["n"] = .normal(mean: -1.5, std: 0.25)
        c.dims["N"] = 3
        c.seed = 42
        let text = InputStore.serialize(c, modelPath: "/m.onnx")
        #expect(InputStore.parse(text, modelPath: "/m.onnx") == c)
        #expect(InputStore.parse(text, modelPath: "/other.onnx") == nil)
    }

    @Test func randomInputsMatchTheRunCommand() throws {
        let m = try sample("mnist_cnn.onnx")
        var spec = RunInputs()
        spec.random = true
        spec.seed = 3
        let run = try spec.feeds(for: m)
        var c = InputConfig()
        c.seed = 3
        let mine = try FeedBuilder.feeds(model: m, config: c).feeds
        #expect(run["input"]?.tensor?.elements(as: Float.self) == mine["input"]?.tensor?.elements(as: Float.self))
    }

    // MARK: interrupting, memory

    /// A Loop of `n` iterations adding 1 (slow enough to interrupt).
    static func longLoop(_ n: Int64) -> Model {
        var body = Graph()
        body.name = "body"
        body.inputs = [Fixtures.tensorInfo("i", .int64, []), Fixtures.tensorInfo("c", .bool, []), Fixtures.tensorInfo("v", .float, [.value(4)])]
        body.outputs = [Fixtures.tensorInfo("c_out", .bool, []), Fixtures.tensorInfo("v_out", .float, [.value(4)])]
        body.initializers = [Fixtures.floats("one", [4], [1, 1, 1, 1])]
        body.nodes = [Node(opType: "Identity", name: "keep", inputs: ["c"], outputs: ["c_out"]),
                      Node(opType: "Add", name: "inc", inputs: ["v", "one"], outputs: ["v_out"])]
        let trip = TensorData(name: "trip", type: .int64, dims: [], raw: withUnsafeBytes(of: n.littleEndian) { Array($0) })
        let cond = TensorData(name: "cond", type: .bool, dims: [], raw: [1])
        var loop = Node(opType: "Loop", name: "loop", inputs: ["trip", "cond", "x"], outputs: ["y"])
        loop.attributes = [Attribute("body", .graph(body))]
        var m = Fixtures.model(nodes: [loop], inputs: [Fixtures.tensorInfo("x", .float, [.value(4)])],
                               outputs: [Fixtures.tensorInfo("y", .float, [.value(4)])], initializers: [trip, cond])
        m.source.path = "long_loop.onnx"
        return m
    }

    @Test func escapeInterruptsARunWithoutQuitting() throws {
        let m = Self.longLoop(50_000_000)
        let (s, _) = drive(m, debug: scripted { $0.settle = false }) { $0.send(keys("c Esc")) }
        #expect(!s.quitRequested)
        #expect(!s.exec.finished)
        #expect(s.exec.execInFlight == 0)
        #expect(s.message?.text.contains("interrupted") == true, "\(s.message?.text ?? "")")
    }

    @Test func controlCInterruptsARunAndQuitsWhenIdle() throws {
        let m = Self.longLoop(50_000_000)
        let (s, _) = drive(m, debug: scripted { $0.settle = false }) { $0.send(keys("c C-c")) }
        #expect(!s.quitRequested)
        #expect(!s.exec.finished)
        let (s2, _) = drive(m) { $0.send(keys("C-c")) }
        #expect(s2.quitRequested)
    }

    @Test func commandsTypedAheadWaitForTheRun() throws {
        // Not settled: x arrives while the steps still run, and acts once they have stopped.
        let m = try sample("nan_debug.onnx")
        let (s, _) = drive(m, debug: scripted { $0.settle = false; $0.inputFiles["x"] = Self.nanInput }) { $0.send(keys("s s s x")) }
        #expect(s.prompt?.kind == .exportNode)
        #expect(s.prompt?.text == "_features_Sqrt_case")
    }

    @Test func progressShowsWhileRunning() throws {
        let m = Self.longLoop(50_000_000)
        var s = AppState(index: ModelIndex(model: m), width: 100, height: 30)
        _ = update(&s, .key(.character("c")))
        _ = update(&s, .tick(elapsed: 1.5))
        let text = render(s).text
        #expect(text.contains("continue"))
        #expect(text.contains("1.5 s"))
        #expect(text.contains("Esc interrupt"))
    }

    @Test func evictedIntermediatesAreRecomputedWhenViewed() throws {
        let m = try sample("external_data.onnx")
        // A budget of 1 KB evicts nearly everything; the first Conv's output is recomputed for the view.
        let (s, t) = drive(m, debug: scripted { $0.keepBudget = 1024 }) {
            $0.send(keys("c"))
            $0.type(":" + m.graph.nodes[0].name + "\n")
            $0.send(keys("t"))
        }
        guard case let .tensor(tv) = s.screen else { Issue.record("not on the tensor view"); return }
        #expect(tv.values != nil, "\(tv.error ?? "")")
        #expect(t.screen.text.contains("of 1 KB"))
    }

    // MARK: provenance

    @Test func provenanceScreenShowsTheAuditFindings() throws {
        let bytes = try [UInt8](Data(contentsOf: repoRoot.appendingPathComponent("samples/provenance.onnx")))
        let m = try ModelLoader.load(bytes: bytes, label: "provenance.onnx")
        let (s, t) = drive(m) { $0.send(keys("p")) }
        #expect(s.audit != nil)
        #expect(t.screen.text.contains("Identity"))
        #expect(t.screen.text.contains("license            Apache-2.0"))
        #expect(t.screen.text.contains("Provenance"))
        assertSnapshot("provenance", t.screen)
    }

    @Test func provenanceScreenShowsFindingsEscaped() throws {
        var m = ExplorerFixtures.tour()
        m.producerName = "evil\u{1B}]0;pwned\u{07}"
        // Ops the interpreter will always run, so the snapshot does not change as kernels are added.
        for i in m.graph.nodes.indices where ["Conv", "MaxPool"].contains(m.graph.nodes[i].opType) {
            m.graph.nodes[i].opType = "Relu"
            m.graph.nodes[i].attributes = []
            m.graph.nodes[i].inputs = Array(m.graph.nodes[i].inputs.prefix(1))
        }
        let (s, t) = drive(m) { $0.send(keys("p G")) }
        let report = try #require(s.audit)
        #expect(report.findings.contains { $0.id == "HYG001" })
        for f in report.findings { #expect(t.screen.text.contains(f.id), "\(f.id) not shown") }
        #expect(!t.screen.text.contains("\u{1B}"))
        #expect(!t.screen.text.contains("\u{07}"))
        #expect(t.screen.text.contains("evil\\e]0;pwned") || t.screen.text.contains("evil\\u{1B}") || t.screen.text.contains("evil^["),
                "producer not shown escaped")
        assertSnapshot("provenance-findings", t.screen)
    }

    // MARK: menus

    @Test func breakpointsMenu() throws {
        let m = try sample("nan_debug.onnx")
        let (s, t) = drive(m) { $0.type(":/head/Tanh\n"); $0.send(keys("b ! n i")) }
        #expect(s.breakMenu)
        #expect(s.exec.breakNaN && s.exec.breakInf)
        assertSnapshot("debug-break-menu", t.screen)
    }

    @Test func runtimeShapesWhereTheModelDeclaresNone() throws {
        // y = Relu(x + b): nothing declares the type of the Add output 's'.
        let m = Fixtures.addRelu()
        let (_, before) = drive(m) { _ in }
        #expect(before.screen.text.contains("Add add → ?"))
        let (s, t) = drive(m, debug: scripted { $0.dims["N"] = 2 }) { $0.send(keys("c")) }
        #expect(s.exec.finished)
        #expect(t.screen.text.contains("Add add → float32[2,3]"))
    }

    @Test func pbInputFiles() throws {
        let m = try sample("nan_debug.onnx")
        let dir = tempDir("pb")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Files.write(dir + "/x.pb", ProtoEncoder.encode(try Npy.read(path: Self.nanInput).tensorData(name: "x")))
        let (s, _) = drive(m, debug: scripted { $0.inputFiles["x"] = dir + "/x.pb"; $0.breakOn = [.nan] }) { $0.send(keys("c")) }
        #expect(selectedNode(s)?.1.name == "/features/Sqrt")
        // A missing file is an error message, and nothing runs.
        let (bad, _) = drive(m, debug: scripted { $0.inputFiles["x"] = dir + "/missing.npy" }) { $0.send(keys("s")) }
        #expect(bad.message?.isError == true)
        #expect(bad.message?.text.contains("missing.npy") == true)
        #expect(bad.exec.records.isEmpty)
    }

    // MARK: pieces

    @Test func referenceFormats() throws {
        let m = try sample("nan_debug.onnx")
        let input = try Npy.read(path: Self.nanInput)
        // test_data_set layout: matched by position to the graph's inputs and outputs.
        let set = tempDir("set")
        defer { try? FileManager.default.removeItem(atPath: set) }
        let out = Tensor(shape: [1, 4], [Float](repeating: .nan, count: 4))
        try Files.write(set + "/input_0.pb", ProtoEncoder.encode(input.tensorData(name: "x")))
        try Files.write(set + "/output_0.pb", ProtoEncoder.encode(out.tensorData(name: "scores")))
        let r = try ReferenceSet.load(path: set, model: m)
        #expect(r.info.format == "test_data_set")
        #expect(r.info.inputFiles["x"] == set + "/input_0.pb")
        #expect(r.value(for: "scores")?.tensor?.shape == [1, 4])
        // A folder of NAME.npy files named like --dump-dir names them ('/' made '_').
        let npys = tempDir("npys")
        defer { try? FileManager.default.removeItem(atPath: npys) }
        try Npy.write(input, path: npys + "/x.npy")
        try Npy.write(out, path: npys + "/_features_Sqrt_output_0.npy")
        let n = try ReferenceSet.load(path: npys, model: m)
        #expect(n.info.format == ".npy files")
        #expect(n.info.inputFiles["x"] != nil)
        #expect(n.has("/features/Sqrt_output_0"))
        #expect(!n.has("/head/Add_output_0"))
        // Errors are messages, not crashes.
        #expect(throws: (any Error).self) { try ReferenceSet.load(path: npys + "/missing", model: m) }
        let empty = tempDir("empty")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: (any Error).self) { try ReferenceSet.load(path: empty, model: m) }
    }

    @Test func referenceDiff() {
        let a = Value.tensor(Tensor(shape: [4], [Float(1), 2, .nan, 4]))
        let e = Value.tensor(Tensor(shape: [4], [Float(1), 2.5, .nan, 4.00001]))
        let d = ReferenceSet.diff(a, e, name: "t", rtol: 1e-3, atol: 1e-5)
        #expect(d.differing == 1)
        #expect(d.worst == 1)
        #expect(abs(d.maxAbs - 0.5) < 1e-9)
        #expect(d.exceeds)
        let shape = ReferenceSet.diff(a, .tensor(Tensor(shape: [3], [Float(1), 2, 3])), name: "t", rtol: 1e-3, atol: 1e-5)
        #expect(shape.mismatch != nil)
    }

    @Test func miniJSON() {
        let j = MiniJSON.parse(#"{"tensors": {"a/b\u00e9": {"file": "a_b.npy", "shape": [1, 2.5e0], "x": null, "y": true}}}"#)
        guard case let .object(t)? = j?["tensors"] else { Issue.record("no tensors"); return }
        #expect(t.first?.0 == "a/bé")
        #expect(t.first?.1["file"] == .string("a_b.npy"))
        #expect(MiniJSON.parse("{") == nil)
        #expect(MiniJSON.parse(String(repeating: "[", count: 10_000)) == nil)
    }

    @Test func specialValueScan() throws {
        func f(_ xs: [Float]) -> Bool { ValueSummary.hasSpecials(Tensor(shape: [xs.count], xs)) }
        #expect(!f([0, 1, -2, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]))
        #expect(f([1, .nan]))
        #expect(f([.infinity] + [Float](repeating: 1, count: 100)))
        #expect(f([Float](repeating: 1, count: 100) + [-.infinity]))
        #expect(!f([]))
        let d = Tensor(shape: [3], [Double(1), .greatestFiniteMagnitude, -3])
        #expect(!ValueSummary.hasSpecials(d))
        #expect(ValueSummary.hasSpecials(Tensor(shape: [2], [Double(1), .nan])))
        for type in [DataType.float16, .bfloat16] {
            let ok = try Cast.convert(Tensor(shape: [3], [Float(1), -2, 1000]), to: type)
            let bad = try Cast.convert(Tensor(shape: [3], [Float(1), .infinity, 3]), to: type)
            #expect(!ValueSummary.hasSpecials(ok), "\(type.name)")
            #expect(ValueSummary.hasSpecials(bad), "\(type.name)")
        }
        // The summary finds the index only when there is something to find.
        let v = ValueSummary(.tensor(Tensor(shape: [2, 3], [Float(1), 2, 3, 4, .nan, 6])))
        #expect(v.nanCount == 1 && v.firstNaN == 4 && v.min == 1)
        #expect(ValueSummary(.tensor(Tensor(shape: [2], [Float(1), 2]))).min == 1)
        #expect(ValueSummary(.tensor(Tensor(shape: [5000], [Float](repeating: 1, count: 5000)))).min == nil)
    }

    /// A fused Conv output the run left uncomputed is summarized from what the kernel found;
    /// its values are computed only to find a NaN or an infinity it reported.
    @Test func deferredOutputsAreSummarizedWithoutComputingThem() throws {
        let m = Fixtures.model(
            nodes: [Node(opType: "Conv", name: "c", inputs: ["x", "w"], outputs: ["c"]), Node(opType: "Relu", name: "r", inputs: ["c"], outputs: ["y"])],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(16), .value(64), .value(64)])],
            outputs: [Fixtures.tensorInfo("y", .float, nil)],
            initializers: [Fixtures.floats("w", [16, 16, 1, 1], (0..<256).map { Float($0 % 5) - 2 })])
        for bad in [false, true] {
            var x = (0..<(16 * 64 * 64)).map { Float($0 % 13) / 13 }
            if bad { x[70] = .nan }
            let interp = Interpreter(model: m)
            interp.observerReadsValues = false
            var summary: ValueSummary?
            var deferred: DeferredValue?
            interp.observer = { e in
                guard e.node.name == "c" else { return }
                deferred = e.outputs.deferredInfo(at: 0)
                summary = ValueSummary(e.outputs, 0)
            }
            _ = try interp.run(["x": .tensor(Tensor(shape: [1, 16, 64, 64], x))])
            let d = try #require(deferred)
            let s = try #require(summary)
            #expect(s.text == "float32[1,16,64,64]" && s.bytes == 16 * 64 * 64 * 4)
            #expect(d.isComputed == bad)
            #expect((s.nanCount > 0) == bad)
            #expect(s.firstNaN == (bad ? 70 : nil))
        }
    }

    @Test func staticPaths() {
        #expect(staticPath("loop0/body[iter 12]/inc") == "loop0/body/inc")
        #expect(staticPath("a/body[3]/If/then_branch/x") == "a/body/If/then_branch/x")
        #expect(staticPath("odd[name]/x") == "odd[name]/x")
        #expect(staticPath("plain/path") == "plain/path")
        for p in ["loop0/body[iter 12]/inc", "a/body[3]/If/then_branch/x", "odd[name]/x", "x[iter ]", "[", "", "é[iter 2]ü"] {
            #expect(staticPathHash(p) == staticPathHash(staticPath(p)), "\(p)")
        }
        #expect(staticPathHash("loop0/body[iter 1]") == staticPathHash("loop0/body[iter 2]"))
        #expect(staticPathHash("loop0/body") != staticPathHash("loop1/body"))
    }
}
