import Foundation
import Testing
@testable import Explorer
import OnnxModel
import TerminalUI

/// Scripted key sequences through the real run loop on a headless terminal.
@Suite struct InteractionTests {
    let model = ExplorerFixtures.tour()

    func nodeName(_ s: AppState) -> String? {
        if case let .node(ref)? = s.selectedKind { return s.index.node(ref).name }
        return nil
    }

    @Test func startsOnFirstNodeAndMoves() {
        let (s0, _) = drive(model) { _ in }
        #expect(nodeName(s0) == "/encoder/conv/Conv")
        let (s1, _) = drive(model) { $0.send(keys("j")) }
        #expect(nodeName(s1) == "/encoder/act/Relu")
        let (s2, _) = drive(model) { $0.send(keys("G")) }
        #expect(s2.treeList.selected == s2.tree.count - 1)
        let (s3, _) = drive(model) { $0.send(keys("G g")) }
        #expect(s3.treeList.selected == 0)
        let (s4, _) = drive(model) { $0.send(keys("C-d")) }
        #expect(s4.treeList.selected > s0.treeList.selected)
    }

    @Test func collapseAndExpandScopes() {
        // h on a node goes to its scope, h again collapses it, l expands it again.
        let (s, _) = drive(model) { $0.send(keys("h")) }
        #expect(s.selectedKind == .scope(graph: 0, path: "encoder/conv") || s.selectedKind == .scope(graph: 0, path: "encoder"))
        let (before, _) = drive(model) { $0.send(keys("h h")) }
        let (after, _) = drive(model) { $0.send(keys("h h l")) }
        #expect(before.tree.count < after.tree.count)
        let (all, _) = drive(model) { $0.send(keys("g C")) }
        #expect(all.tree.count < after.tree.count)
    }

    @Test func jumpCompletesAndBackspaceReturns() {
        let (s, t) = drive(model) { $0.type(":/head/f"); $0.send(.tab); $0.send(.enter) }
        #expect(nodeName(s) == "/head/fc/Gemm")
        #expect(!t.screen.text.contains("no node"))
        let (back, _) = drive(model) { $0.type(":/head/fc/Gemm\n"); $0.send(.backspace) }
        #expect(nodeName(back) == "/encoder/conv/Conv")
        let (missing, mt) = drive(model) { $0.type(":nope\n") }
        #expect(nodeName(missing) == "/encoder/conv/Conv")
        #expect(mt.screen.text.contains("no node or tensor named 'nope'"))
    }

    @Test func followLinksInDetails() {
        // On Conv: Tab to details, find the line for Relu (its consumer) and follow it.
        var state: AppState?
        drive(model) { t in t.send(.tab) }
        let (s0, _) = drive(model) { $0.send(.tab) }
        guard let row = s0.details.firstIndex(where: { $0.link == .item(.node(NodeRef(graph: 0, node: 1))) }) else {
            Issue.record("no link to Relu in Conv's details"); return
        }
        let (s1, _) = drive(model) { t in
            t.send(.tab)
            t.send(Array(repeating: Key.down, count: row))
            t.send(.enter)
        }
        #expect(nodeName(s1) == "/encoder/act/Relu")
        #expect(s1.focus == .details)
        state = s1
        let (s2, _) = drive(model) { t in
            t.send(.tab)
            t.send(Array(repeating: Key.down, count: row))
            t.send(.enter, .backspace)
        }
        #expect(nodeName(s2) == "/encoder/conv/Conv")
        #expect(state != nil)
    }

    @Test func linkIntoFunctionAndSubgraph() {
        let (s, _) = drive(model) { $0.type(":/head/Scale\n") }
        guard let row = s.details.firstIndex(where: { $0.link == .item(.function(0)) }) else { Issue.record("no function link"); return }
        let (f, _) = drive(model) { t in
            t.type(":/head/Scale\n")
            t.send(.tab)
            t.send(Array(repeating: Key.down, count: row))
            t.send(.enter)
        }
        #expect(f.selectedKind == .function(0))
        let (iff, _) = drive(model) { $0.type(":/head/If\n") }
        #expect(iff.details.contains { if case .item(.subgraph)? = $0.link { return true }; return false })
    }

    @Test func searchCyclesWithNAndN() {
        let (s1, t1) = drive(model) { $0.type("/^(relu|gemm)$\n") }
        #expect(s1.search?.matches.count == 2)
        #expect(nodeName(s1) == "/encoder/act/Relu")
        #expect(t1.screen.text.contains("match 1 of 2"))
        let (s2, _) = drive(model) { $0.type("/^(relu|gemm)$\nn") }
        #expect(nodeName(s2) == "/head/fc/Gemm")
        let (s3, _) = drive(model) { $0.type("/^(relu|gemm)$\nnn") }
        #expect(nodeName(s3) == "/encoder/act/Relu")
        let (s4, _) = drive(model) { $0.type("/^(relu|gemm)$\nN") }
        #expect(nodeName(s4) == "/head/fc/Gemm")
        // Attribute values are searchable; case is ignored for lower-case patterns.
        let (s5, _) = drive(model) { $0.type("/transb=1\n") }
        #expect(nodeName(s5) == "/head/fc/Gemm")
        // Nodes inside subgraphs are found and revealed.
        let (s6, _) = drive(model) { $0.type("/else_neg\n") }
        #expect(nodeName(s6) == "else_neg")
        let (bad, bt) = drive(model) { $0.type("/(unclosed\n") }
        #expect(bad.search == nil)
        #expect(bt.screen.text.contains("bad regular expression"))
    }

    @Test func filterAndClear() {
        let (s, _) = drive(model) { $0.type("fgemm\n") }
        #expect(s.tree.isFiltered)
        let visible = s.tree.rows.map { s.tree.items[Int($0)].kind }
        #expect(visible.contains(.node(NodeRef(graph: 0, node: 9))))
        #expect(!visible.contains(.node(NodeRef(graph: 0, node: 0))))
        let (c, _) = drive(model) { $0.type("fgemm\nf"); $0.send(.ctrl("u"), .enter) }
        #expect(!c.tree.isFiltered)
        #expect(c.tree.count > s.tree.count)
        let (e, _) = drive(model) { $0.type("fgemm\n"); $0.send(.escape) }
        #expect(!e.tree.isFiltered)
    }

    @Test func themeSwitchCycles() {
        let (s, t) = drive(model) { $0.send(keys("T")) }
        #expect(s.theme.name == "light")
        #expect(t.screen.text.contains("theme: light"))
        let (s2, _) = drive(model) { $0.send(keys("T T T T")) }
        #expect(s2.theme.name == "dark")
    }

    @Test func resizeRedrawsAtOnce() {
        let (s, t) = drive(model) { $0.resize(width: 80, height: 24); $0.send(.down) }
        #expect(s.width == 80 && s.height == 24)
        #expect(t.screen.width == 80 && t.screen.height == 24)
        let (s2, t2) = drive(model) { $0.resize(width: 30, height: 8); $0.send(.down); $0.resize(width: 100, height: 30) }
        #expect(s2.width == 100)
        #expect(!t2.screen.text.contains("too small"))
    }

    @Test func tensorViewOpensFromInitializerAndConstant() {
        let (s, t) = drive(model) { $0.type(":conv.weight\n"); $0.send(.enter) }
        guard case let .tensor(tv) = s.screen else { Issue.record("tensor view not open"); return }
        #expect(tv.stats.count == 24)
        #expect(tv.stats.min == -1)
        #expect(t.screen.text.contains("slice [0,0,:,:]"))
        let (c, _) = drive(model) { $0.type(":/head/Constant\n"); $0.send(.character("t")) }
        guard case let .tensor(cv) = c.screen else { Issue.record("constant view not open"); return }
        #expect(cv.values?.text(0) == "2")
        let (closed, _) = drive(model) { $0.type(":conv.weight\n"); $0.send(.enter, .escape) }
        if case .main = closed.screen {} else { Issue.record("Esc should close the tensor view") }
    }

    @Test func mouseSelectsAndScrolls() {
        let l = Layout(width: 100, height: 30)
        let (s, _) = drive(model) { $0.send(.mouse(.click(x: 10, y: l.treeBody.y + 1))) }
        #expect(s.treeList.selected == 1)
        // Rows: Inputs, x, Initializers, model/ (expand all below it), then the wheel scrolls by 3.
        let (w, _) = drive(ExplorerFixtures.big(500)) { $0.send(keys("j j j E")); $0.send(.mouse(.wheelDown(x: 5, y: 10))) }
        #expect(w.treeList.offset == 3)
    }

    @Test func modelTextIsSanitised() {
        let (_, t) = drive(model) { $0.type("/evil\n"); $0.send(.tab) }
        let text = t.screen.text
        #expect(text.contains("evil\\e[2J\\u{202E}name"))
        for c in t.screen.cells {
            for u in c.character.unicodeScalars {
                #expect(u.value >= 0x20 && u.value != 0x7F && !(0x80...0x9F).contains(u.value) && !(0x202A...0x202E).contains(u.value))
            }
        }
        let (_, m) = drive(model) { $0.send(.character("m")) }
        #expect(m.screen.text.contains("\\e]0;pwned\\ax"))
    }

    @Test func validationProblemsAreAnnounced() {
        var bad = model
        bad.graph.nodes[1].inputs = ["does_not_exist"]
        let t = HeadlessTerminal(width: 100, height: 30)
        let s = runExplorerTUI(model: bad, terminal: t, themeLoader: ThemeLoader(environment: [:]))
        #expect(!s.index.problems.isEmpty)
        #expect(t.screen.text.contains("validation problem"))
    }

    @Test func quitEndsTheLoop() {
        let (s, t) = drive(model) { $0.send(keys("q j j")) }
        #expect(s.quitRequested)
        #expect(t.pendingCount == 2)
    }

    @Test func embeddedSampleOpens() throws {
        guard let data = Data(base64Encoded: EmbeddedSample.base64) else { Issue.record("bad base64"); return }
        let m = try ModelLoader.load(bytes: [UInt8](data), label: "<embedded>")
        let (s, t) = drive(m) { $0.send(keys("j j l Tab j Enter Backspace m Esc ? Esc")); $0.type("/add\nn") }
        #expect(!s.quitRequested)
        #expect(t.frameCount > 10)
    }

    @Test func largeGraphStaysResponsive() {
        let big = ExplorerFixtures.big(20_000)
        let (s, t) = drive(big) { _ in }
        // Scopes start collapsed: the first frame lists the 200 layer groups, not 20,000 rows.
        #expect(s.tree.count < 300)
        let (s2, _) = drive(big) { $0.type(":/model/layers.150/block.3/Relu_15032\n") }
        if case let .node(ref)? = s2.selectedKind { #expect(ref.node == 15032) } else { Issue.record("jump failed") }
        let (s3, _) = drive(big) { $0.type("/Sigmoid_1999[0-9]$\n") }
        #expect(s3.search?.matches.count == 2)
        #expect(t.frameCount == 1)
    }
}

@Suite struct HostileModelTests {
    @Test func hugeStringsStayCheap() {
        var m = ExplorerFixtures.tour()
        let huge = String(repeating: "A\u{1B}[31m", count: 400_000)
        m.docString = huge
        m.graph.nodes[0].name = huge
        m.graph.nodes[0].docString = huge
        m.metadataProps.append(StringPair("big", huge))
        // Only what is visible is sanitised and wrapped; this would take minutes otherwise.
        let (s, t) = drive(m) { $0.send(keys("g j j j j Tab m j j G")) }
        #expect(!s.quitRequested)
        for c in t.screen.cells { #expect(c.character != "\u{1B}") }
    }
}

@Suite struct EdgeModelTests {
    @Test func emptyModelOpens() {
        let (s, t) = drive(Model()) { $0.send(keys("j k G g l h Enter Tab Enter t m Esc ? Esc")); $0.type("/x\n:y\nfz\n") }
        #expect(!s.quitRequested)
        #expect(t.screen.text.contains("Graph"))
    }

    @Test func inputsBackedByInitializersAreFoldedAway() {
        // IR 3 exporters declare every weight as a graph input as well.
        var m = Model()
        m.irVersion = 3
        m.opsetImports = [OpsetImport(domain: "", version: 9)]
        m.graph.inputs = [ExplorerFixtures.info("data", [.value(2)]), ExplorerFixtures.info("w", [.value(2)])]
        m.graph.initializers = [ExplorerFixtures.floats("w", [2], [1, 2])]
        m.graph.nodes = [Node(opType: "Add", name: "add", inputs: ["data", "w"], outputs: ["y"])]
        m.graph.outputs = [ExplorerFixtures.info("y", [.value(2)])]
        let (s, t) = drive(m) { _ in }
        #expect(t.screen.text.contains("Inputs (1, 1 more with initializers)"))
        #expect(s.tree.itemFor[.input(graph: 0, index: 0)] != nil)
        #expect(s.tree.itemFor[.input(graph: 0, index: 1)] == nil)
        let (_, t2) = drive(m) { $0.type(":w\n") }
        #expect(t2.screen.text.contains("also declared as an input"))
    }

    @Test func detailsNameTheKernelVersion() {
        var m = Model()
        m.opsetImports = [OpsetImport(domain: "", version: 17)]
        m.graph.inputs = [ExplorerFixtures.info("x", [.value(2)])]
        m.graph.nodes = [Node(opType: "Relu", name: "relu", inputs: ["x"], outputs: ["y"]),
                         Node(opType: "NoSuchOp", name: "odd", inputs: ["y"], outputs: ["z"])]
        m.graph.outputs = [ExplorerFixtures.info("z", [.value(2)])]
        let (_, t) = drive(m) { $0.type(":relu\n") }
        #expect(t.screen.text.contains("Relu-14"))
        let (_, t2) = drive(m) { $0.type(":odd\n") }
        #expect(t2.screen.text.contains("not supported"))
    }

    @Test func dynamoExportsGroupByTheirModuleScopes() {
        // torch.onnx.export(dynamo=True) names nodes "node_view_1" and records the module path.
        func node(_ op: String, _ name: String, _ i: String, _ o: String, _ scopes: String) -> Node {
            var n = Node(opType: op, name: name, inputs: [i], outputs: [o])
            n.metadataProps = [StringPair("pkg.torch.onnx.name_scopes", scopes)]
            return n
        }
        var m = Model()
        m.opsetImports = [OpsetImport(domain: "", version: 20)]
        m.graph.inputs = [ExplorerFixtures.info("x", [.value(2)])]
        m.graph.nodes = [
            node("Relu", "node_relu", "x", "a", "['', 'transformer', 'transformer.h.0', 'transformer.h.0.attn', 'relu']"),
            node("Neg", "node_neg", "a", "b", "['', 'transformer', 'transformer.h.0', 'transformer.h.0.attn', 'neg']"),
            node("Abs", "node_abs", "b", "c", "['', 'transformer', 'transformer.h.0', 'transformer.h.0.mlp', 'abs']"),
            node("Sqrt", "node_sqrt", "c", "y", "['', 'transformer', 'transformer.h.1', 'transformer.h.1.mlp', 'sqrt']"),
        ]
        m.graph.outputs = [ExplorerFixtures.info("y", [.value(2)])]
        let (s, t) = drive(m) { _ in }
        #expect(s.tree.itemFor[.scope(graph: 0, path: "transformer/h.0/attn")] != nil)
        #expect(s.tree.itemFor[.scope(graph: 0, path: "transformer/h.0")] != nil)
        #expect(t.screen.text.contains("attn/"))
        #expect(t.screen.text.contains("Relu node_relu"))
    }

    @Test func oddTensors() {
        var m = Model()
        m.opsetImports = [OpsetImport(domain: "", version: 17)]
        var strings = TensorData()
        strings.name = "words"
        strings.elemType = DataType.string.rawValue
        strings.dims = [2]
        strings.payload = .strings([Array("héllo".utf8), Array("\u{1B}[2J".utf8)])
        let empty = TensorData(name: "empty", type: .float, dims: [0, 3], raw: [])
        let short = TensorData(name: "short", type: .float, dims: [4], raw: [0, 0, 128, 63]) // 1 of 4 floats
        var external = TensorData(name: "ext", type: .float, dims: [2], raw: [])
        external.dataLocation = 1
        external.payload = .external(ExternalDataRef([StringPair("location", "missing.bin")], store: nil))
        let half = TensorData(name: "half", type: .float16, dims: [3], raw: [0x00, 0x3C, 0x00, 0x7C, 0x01, 0x7E]) // 1, inf, nan
        m.graph.initializers = [strings, empty, short, external, half]
        func open(_ name: String) -> (AppState, HeadlessTerminal) { drive(m) { $0.type(":\(name)\n"); $0.send(.character("t"), .character("v")) } }
        let (s1, t1) = open("words")
        #expect(t1.screen.text.contains("\"h\u{E9}llo\""))
        #expect(t1.screen.text.contains("\\e[2J"))
        if case let .tensor(tv) = s1.screen { #expect(tv.error == nil) } else { Issue.record("no tensor view") }
        let (_, t2) = open("empty")
        #expect(t2.screen.text.contains("initializer empty"))
        let (s3, t3) = open("short")
        if case let .tensor(tv) = s3.screen { #expect(tv.error != nil) }
        #expect(t3.screen.text.contains("raw_data has 4 bytes"))
        let (_, t4) = open("ext")
        #expect(t4.screen.text.contains("external data cannot be resolved"))
        let (s5, t5) = open("half")
        if case let .tensor(tv) = s5.screen {
            #expect(tv.stats.nans == 1 && tv.stats.infs == 1 && tv.stats.min == 1)
        }
        #expect(t5.screen.text.contains("NaN 1"))
    }
}
