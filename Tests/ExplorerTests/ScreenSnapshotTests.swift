import Testing
@testable import Explorer
import OnnxModel
import TerminalUI

/// Whole screens at 100x30 compared with files in __Snapshots__ (RECORD_SNAPSHOTS=1 re-records).
@Suite struct ScreenSnapshotTests {
    let model = ExplorerFixtures.tour()

    @Test func mainScreen() {
        let (_, t) = drive(model) { _ in }
        assertSnapshot("main", t.screen)
    }

    @Test func detailsFocused() {
        let (_, t) = drive(model) { $0.send(keys("Tab j j")) }
        assertSnapshot("details-focused", t.screen)
    }

    @Test func nodeInSubgraphAndFunctionCall() {
        let (s, t) = drive(model) { $0.type(":then_id\n") }
        #expect(s.selectedKind.map { if case .node = $0 { return true }; return false } == true)
        assertSnapshot("subgraph-node", t.screen)
    }

    @Test func tensorValues() {
        let (_, t) = drive(model) { $0.type(":conv.weight\n"); $0.send(.character("t")) }
        assertSnapshot("tensor-values", t.screen)
    }

    @Test func tensorHeatMapAndSlices() {
        let (_, t) = drive(model) { $0.type(":conv.weight\n"); $0.send(keys("t v ] >")) }
        assertSnapshot("tensor-heatmap", t.screen)
    }

    @Test func metadataScreen() {
        let (_, t) = drive(model) { $0.send(.character("m")) }
        assertSnapshot("metadata", t.screen)
    }

    @Test func helpOverlay() {
        let (_, t) = drive(model) { $0.send(.character("?")) }
        assertSnapshot("help", t.screen)
    }

    @Test func searchHighlight() {
        let (_, t) = drive(model) { $0.type("/conv\n") }
        assertSnapshot("search", t.screen)
    }

    @Test func filtered() {
        let (_, t) = drive(model) { $0.type("fmaxpool|gemm\n") }
        assertSnapshot("filter", t.screen)
    }

    @Test func jumpPromptWithCompletions() {
        let (_, t) = drive(model) { $0.type(":/enc") }
        assertSnapshot("jump-prompt", t.screen)
        #expect(t.screen.cursor != nil)
    }

    @Test func smallTerminals() {
        let (_, t80) = drive(model, width: 80, height: 24) { _ in }
        assertSnapshot("main-80x24", t80.screen)
        let (_, tiny) = drive(model, width: 40, height: 10) { _ in }
        #expect(tiny.screen.text.contains("Terminal too small: 40x10"))
    }

    @Test func asciiTerminal() {
        let (_, t) = drive(model, capabilities: TerminalCapabilities(unicode: false, colorDepth: .ansi8)) { _ in }
        assertSnapshot("main-ascii", t.screen)
        #expect(!t.screen.text.contains("│"))
    }

    @Test(arguments: ["light", "high-contrast", "monochrome"])
    func themes(_ name: String) {
        let (s, t) = drive(model, theme: name) { _ in }
        #expect(s.theme.name == name)
        assertSnapshot("theme-\(name)", t.screen, theme: s.theme)
    }
}
