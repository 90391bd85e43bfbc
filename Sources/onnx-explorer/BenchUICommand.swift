import ArgumentParser
import Explorer
import OnnxModel

struct BenchUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ui",
        abstract: "Replay navigation keys on the explorer headlessly and print frame times.",
        discussion: "With no MODEL, a synthetic 100,000-node graph is used."
    )

    @Argument(help: "The .onnx file; a synthetic graph when omitted.") var model: String?
    @Option(help: "Navigation keys to replay.") var keys = 1000
    @Option(help: "Nodes in the synthetic graph.") var nodes = 100_000

    func run() throws {
        let m = try model.map { try ModelOpening.load($0) } ?? SyntheticModel.chain(nodes: nodes)
        print(benchmarkExplorerUI(model: m, keyCount: keys).text)
    }
}
