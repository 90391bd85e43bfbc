import ArgumentParser
import OnnxModel
import OnnxRuntime
import Reports

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model headlessly with the embedded interpreter, one line per node.",
        discussion: """
        Inputs come from --input NAME=FILE (.npy or TensorProto .pb) or seeded random tensors (--random-inputs; \
        symbolic dims from --dim NAME=VALUE, default 1). With no MODEL, runs the embedded sample on random inputs. \
        --break-on stops before a node (node:NAME, op:TYPE) or after the first node producing NaN/Inf (nan, inf, abs>X) \
        or differing from the reference (diff). \
        --reference DIR compares every node output with the tensor of the same name in DIR: a backend test_data_set_N \
        folder (or a case folder holding one), a folder of NAME.npy files, or a --dump-dir folder of another run; an element \
        differs when |actual - expected| > atol + rtol * |expected|; inputs not given with --input come from the reference \
        when it holds them (unless --random-inputs). The report names the first divergence (node, tensor, \
        max abs/rel error, index); --first-divergence stops there. \
        --export-node NAME DIR writes that node, with the values it had at its first run, as a backend test case \
        (DIR/model.onnx, DIR/test_data_set_0/{input,output}_K.pb) that `onnx-explorer test DIR` replays. \
        Exit codes: 0 finished, 1 stopped at a breakpoint or divergence, a node failed, or an export's node did not run; \
        2 bad model or arguments.
        """
    )

    @Argument(help: "The .onnx file; the embedded sample when omitted.") var model: String?
    @Option(name: .customLong("input"), help: "NAME=FILE: an input from a .npy or .pb file (repeatable).") var inputs: [String] = []
    @Flag(help: "Fill inputs not given with --input with seeded random values.") var randomInputs = false
    @Option(name: .customLong("dim"), help: "NAME=VALUE: bind a symbolic dim for random inputs (repeatable).") var dims: [String] = []
    @Option(help: "Seed for --random-inputs.") var seed: UInt64 = 0
    @Option(help: "Write every intermediate as DIR/NAME.npy plus DIR/index.json.") var dumpDir: String?
    @Option(name: .customLong("break-on"), help: "nan | inf | node:NAME | op:TYPE | abs>X | diff (repeatable).") var breakOn: [String] = []
    @Option(help: "Compare node outputs with the tensors of this folder (test_data_set_N, NAME.npy files or a --dump-dir).") var reference: String?
    @Option(help: "Relative tolerance for --reference.") var rtol = 1e-3
    @Option(help: "Absolute tolerance for --reference.") var atol = 1e-5
    @Flag(help: "Stop after the first node whose output differs from --reference, and report it.") var firstDivergence = false
    @Option(name: .customLong("export-node"), parsing: .upToNextOption, help: ArgumentHelp("Write node NAME as a backend test case in DIR (repeatable).", valueName: "NAME DIR"))
    var exportNode: [String] = []
    @Option(help: "Threads for kernels.") var threads = 1
    @Flag(help: "Print JSON: outputs, stopped_at, nodes_executed, reference, divergence, exported.") var json = false

    func run() throws {
        // `--export-node NAME DIR MODEL`: the option takes values up to the next option, the model too.
        var modelPath = model
        var exportValues = exportNode
        if exportValues.count % 2 == 1, modelPath == nil { modelPath = exportValues.removeLast() }
        guard exportValues.count % 2 == 0 else { throw CommandFailure(message: "--export-node takes a node name and a folder: --export-node NAME DIR") }
        let m = try ModelOpening.load(modelPath)
        var feedsSpec = RunInputs()
        feedsSpec.random = randomInputs || (modelPath == nil && inputs.isEmpty)
        feedsSpec.seed = seed
        guard threads > 0 else { throw CommandFailure(message: "--threads must be at least 1") }
        do {
            for s in inputs { let (n, p) = try RunInputs.pair(s, what: "--input"); feedsSpec.files.append((n, p)) }
            for s in dims {
                let (n, v) = try RunInputs.pair(s, what: "--dim")
                guard let d = Int(v), d >= 0 else { throw CommandFailure(message: "--dim \(s): VALUE must be a non-negative integer") }
                feedsSpec.dims[n] = d
            }
        } catch let e as RunInputs.Failure {
            throw CommandFailure(message: e.description)
        }
        var options = RunReport.Options()
        options.threads = threads
        options.dumpDir = dumpDir
        for b in breakOn {
            if b == "diff" { options.breakOnDiff = true; continue }
            guard let bp = Breakpoint(parsing: b) else { throw CommandFailure(message: "--break-on '\(b)': expected nan, inf, node:NAME, op:TYPE, abs>X or diff") }
            if case let .node(name) = bp, !RunReport.hasNode(name, in: m) {
                throw CommandFailure(message: "--break-on node:\(name): \(m.source.path) has no node named '\(name)'")
            }
            options.breakpoints.append(bp)
        }
        guard rtol >= 0, atol >= 0, rtol.isFinite, atol.isFinite else { throw CommandFailure(message: "--rtol and --atol must be finite and not negative") }
        options.rtol = rtol
        options.atol = atol
        options.firstDivergence = firstDivergence
        if let reference {
            do { options.reference = try ReferenceSet.load(path: reference, model: m) } catch {
                throw CommandFailure(message: "--reference \(error.description)")
            }
            // A reference made from known inputs (a test_data_set, a dump) supplies the inputs not given.
            if !randomInputs, let ref = options.reference {
                for (name, path) in ref.info.inputFiles.sorted(by: { $0.key < $1.key }) where !feedsSpec.files.contains(where: { $0.name == name }) {
                    feedsSpec.files.append((name, path))
                }
            }
        } else if firstDivergence || options.breakOnDiff {
            throw CommandFailure(message: (firstDivergence ? "--first-divergence" : "--break-on diff") + " needs --reference DIR")
        }
        for k in stride(from: 0, to: exportValues.count, by: 2) {
            let (name, dir) = (exportValues[k], exportValues[k + 1])
            guard RunReport.hasNode(name, in: m) else { throw CommandFailure(message: "--export-node \(name): \(m.source.path) has no node named '\(name)'") }
            guard !dir.isEmpty else { throw CommandFailure(message: "--export-node \(name): empty folder name") }
            options.exports.append((name, dir))
        }
        if !json { options.lineSink = { print($0) } }
        let feeds: [String: Value]
        do { feeds = try feedsSpec.feeds(for: m) } catch { throw CommandFailure(message: "\(m.source.path): \(error.description)") }
        let report: RunReport
        do { report = try RunReport.run(model: m, feeds: feeds, options: options) } catch {
            throw CommandFailure(message: error.description)
        }
        if json { print(report.json.serialized()) } else { print(report.text(model: m)) }
        if let e = report.error {
            if e.kind == .invalidFeed { throw CommandFailure(message: "\(m.source.path): \(e.description)") }
            if !json { FileHandleOut.stderr("onnx-explorer: \(e.description)") }
            throw ExitCode(1)
        }
        if report.stoppedEarly || !report.notExported.isEmpty { throw ExitCode(1) }
    }
}
