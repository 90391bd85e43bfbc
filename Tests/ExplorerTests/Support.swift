import Foundation
import Testing
@testable import Explorer
import OnnxModel
import TerminalUI
import TestSupport

/// Models built directly from the IR types, one feature each, small enough to read in a snapshot.
enum ExplorerFixtures {
    static func floats(_ name: String, _ dims: [Int64], _ values: [Float]) -> TensorData { Fixtures.floats(name, dims, values) }

    static func info(_ name: String, _ dims: [Dim.Value]) -> ValueInfo { Fixtures.tensorInfo(name, .float, dims) }

    /// A small CNN-like graph with name scopes, an If with two branches, a call of a model-local
    /// function, a Constant, metadata, and one hostile node name.
    static func tour() -> Model {
        var m = Model()
        m.irVersion = 9
        m.producerName = "fixture"
        m.producerVersion = "1.0"
        m.docString = "A fixture model.\nSecond line."
        m.opsetImports = [OpsetImport(domain: "", version: 17), OpsetImport(domain: "local", version: 1)]
        m.metadataProps = [StringPair("author", "tests"), StringPair("evil", "\u{1B}]0;pwned\u{07}x")]
        m.source.path = "/models/fixture.onnx"
        m.source.fileSize = 4096

        var g = Graph()
        g.name = "main"
        g.inputs = [info("image", [.param("N"), .value(3), .value(4), .value(4)])]
        g.outputs = [info("logits", [.param("N"), .value(2)])]
        let w: [Float] = (0..<24).map { Float($0) / 10 - 1 }
        g.initializers = [
            floats("conv.weight", [2, 3, 2, 2], w),
            floats("conv.bias", [2], [0.5, -0.5]),
            floats("fc.weight", [2, 8], (0..<16).map { Float($0) }),
        ]
        g.valueInfo = [
            info("/encoder/conv/Conv_output_0", [.param("N"), .value(2), .value(3), .value(3)]),
            info("/encoder/act/Relu_output_0", [.param("N"), .value(2), .value(3), .value(3)]),
            info("/encoder/pool/Pool_output_0", [.param("N"), .value(2), .value(2), .value(2)]),
            info("flat", [.param("N"), .value(8)]),
            info("scaled", [.param("N"), .value(8)]),
        ]
        var thenG = Graph()
        thenG.name = "then_body"
        thenG.nodes = [Node(opType: "Identity", name: "then_id", inputs: ["scaled"], outputs: ["then_out"])]
        thenG.outputs = [info("then_out", [.param("N"), .value(8)])]
        var elseG = Graph()
        elseG.name = "else_body"
        elseG.nodes = [Node(opType: "Neg", name: "else_neg", inputs: ["scaled"], outputs: ["else_out"])]
        elseG.outputs = [info("else_out", [.param("N"), .value(8)])]

        var conv = Node(opType: "Conv", name: "/encoder/conv/Conv", inputs: ["image", "conv.weight", "conv.bias"], outputs: ["/encoder/conv/Conv_output_0"])
        conv.attributes = [Attribute("kernel_shape", .ints([2, 2])), Attribute("strides", .ints([1, 1]))]
        conv.docString = "Convolution doc."
        var pool = Node(opType: "MaxPool", name: "/encoder/pool/Pool", inputs: ["/encoder/act/Relu_output_0"], outputs: ["/encoder/pool/Pool_output_0"])
        pool.attributes = [Attribute("kernel_shape", .ints([2, 2]))]
        var constant = Node(opType: "Constant", name: "/head/Constant", inputs: [], outputs: ["scale"])
        constant.attributes = [Attribute("value", .tensor(floats("", [], [2])))]
        var iff = Node(opType: "If", name: "/head/If", inputs: ["cond"], outputs: ["branch_out"])
        iff.attributes = [Attribute("then_branch", .graph(thenG)), Attribute("else_branch", .graph(elseG))]
        var gemm = Node(opType: "Gemm", name: "/head/fc/Gemm", inputs: ["branch_out", "fc.weight"], outputs: ["logits"])
        gemm.attributes = [Attribute("transB", .int(1)), Attribute("alpha", .float(1))]
        g.nodes = [
            conv,
            Node(opType: "Relu", name: "/encoder/act/Relu", inputs: ["/encoder/conv/Conv_output_0"], outputs: ["/encoder/act/Relu_output_0"]),
            pool,
            Node(opType: "Flatten", name: "flatten", inputs: ["/encoder/pool/Pool_output_0"], outputs: ["flat"]),
            constant,
            Node(opType: "Scale", name: "/head/Scale", inputs: ["flat", "scale"], outputs: ["scaled"], domain: "local"),
            Node(opType: "ReduceMax", name: "/head/ReduceMax", inputs: ["scaled"], outputs: ["m"]),
            Node(opType: "Greater", name: "evil\u{1B}[2J\u{202E}name", inputs: ["m", "scale"], outputs: ["cond"]),
            iff,
            gemm,
        ]
        m.graph = g

        var f = Function()
        f.name = "Scale"
        f.domain = "local"
        f.inputs = ["X", "S"]
        f.outputs = ["Y"]
        f.opsetImports = [OpsetImport(domain: "", version: 17)]
        f.nodes = [Node(opType: "Mul", name: "mul", inputs: ["X", "S"], outputs: ["Y"])]
        f.docString = "Multiplies."
        m.functions = [f]
        return m
    }

    /// `n` nodes in scopes `/block_i/layer_j/Op`, a chain of Add/Mul/Relu.
    static func big(_ n: Int) -> Model { SyntheticModel.chain(nodes: n) }
}

/// Debug options for scripted sessions: each request finishes before the next key is read, and
/// nothing is remembered under the user's state directory.
func scripted(_ configure: (inout DebugOptions) -> Void = { _ in }) -> DebugOptions {
    var o = DebugOptions()
    o.settle = true
    o.stateDirectory = ""
    o.reproducibleTimes = true
    o.keepBudget = 1 << 30
    configure(&o)
    return o
}

/// Runs keys through the real run loop on a headless terminal.
@discardableResult
func drive(_ model: Model, width: Int = 100, height: Int = 30, theme: String? = nil, capabilities: TerminalCapabilities = TerminalCapabilities(),
           debug: DebugOptions = scripted(), _ script: (HeadlessTerminal) -> Void) -> (AppState, HeadlessTerminal) {
    let t = HeadlessTerminal(width: width, height: height, capabilities: capabilities)
    script(t)
    let s = runExplorerTUI(model: model, problems: [], terminal: t, themeName: theme, themeLoader: ThemeLoader(environment: [:]), debug: debug)
    return (s, t)
}

/// The repository's root folder.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A sample model from samples/.
func sample(_ name: String) throws -> Model {
    try ModelLoader.load(path: repoRoot.appendingPathComponent("samples/" + name).path)
}

func keys(_ specs: String) -> [Key] {
    specs.split(separator: " ").map { Key(String($0))! }
}

private let snapshotDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")

/// Compares a screen with `__Snapshots__/NAME.txt`; `RECORD_SNAPSHOTS=1` re-records every file
/// (a missing file is recorded and the test fails once, so new snapshots get looked at).
func assertSnapshot(_ name: String, _ buffer: ScreenBuffer, theme: Theme = .default, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = buffer.snapshot(styleNames: theme.roleNamesByStyle())
    let url = snapshotDir.appendingPathComponent(name + ".txt")
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"].map { !$0.isEmpty && $0 != "0" } ?? false
    let existing = try? String(contentsOf: url, encoding: .utf8)
    if record || existing == nil {
        try? FileManager.default.createDirectory(at: snapshotDir, withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        if existing == nil && !record {
            Issue.record("recorded new snapshot \(name).txt; check it and re-run", sourceLocation: sourceLocation)
        }
        return
    }
    let actual = snapshotDir.appendingPathComponent(name + ".actual.txt")
    guard let existing, existing != text else {
        try? FileManager.default.removeItem(at: actual)
        return
    }
    let a = existing.split(separator: "\n", omittingEmptySubsequences: false)
    let b = text.split(separator: "\n", omittingEmptySubsequences: false)
    var firstDiff = 0
    while firstDiff < min(a.count, b.count) && a[firstDiff] == b[firstDiff] { firstDiff += 1 }
    try? text.write(to: actual, atomically: true, encoding: .utf8)
    Issue.record("""
        snapshot \(name) differs at line \(firstDiff + 1) (RECORD_SNAPSHOTS=1 re-records; actual in \(actual.lastPathComponent))
        expected: \(firstDiff < a.count ? String(a[firstDiff]) : "<end>")
        actual:   \(firstDiff < b.count ? String(b[firstDiff]) : "<end>")
        """, sourceLocation: sourceLocation)
}
