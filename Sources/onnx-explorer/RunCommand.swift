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
        --break-on stops before a node (node:NAME, op:TYPE) or after the first node producing NaN/Inf (nan, inf, abs>X). \
        Exit codes: 0 finished, 1 stopped at a breakpoint or a node failed, 2 bad model or arguments.
        """
    )

    @Argument(help: "The .onnx file; the embedded sample when omitted.") var model: String?
    @Option(name: .customLong("input"), help: "NAME=FILE: an input from a .npy or .pb file (repeatable).") var inputs: [String] = []
    @Flag(help: "Fill inputs not given with --input with seeded random values.") var randomInputs = false
    @Option(name: .customLong("dim"), help: "NAME=VALUE: bind a symbolic dim for random inputs (repeatable).") var dims: [String] = []
    @Option(help: "Seed for --random-inputs.") var seed: UInt64 = 0
    @Option(help: "Write every intermediate as DIR/NAME.npy plus DIR/index.json.") var dumpDir: String?
    @Option(name: .customLong("break-on"), help: "nan | inf | node:NAME | op:TYPE | abs>X (repeatable).") var breakOn: [String] = []
    @Option(help: "Threads for kernels.") var threads = 1
    @Flag(help: "Print JSON: outputs, stopped_at, nodes_executed.") var json = false

    func run() throws {
        let m = try ModelOpening.load(model)
        var feedsSpec = RunInputs()
        feedsSpec.random = randomInputs || (model == nil && inputs.isEmpty)
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
            guard let bp = Breakpoint(parsing: b) else { throw CommandFailure(message: "--break-on '\(b)': expected nan, inf, node:NAME, op:TYPE or abs>X") }
            options.breakpoints.append(bp)
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
        if report.stoppedEarly { throw ExitCode(1) }
    }
}
