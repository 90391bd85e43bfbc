import ArgumentParser
import OnnxModel
import OnnxRuntime
import Reports

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time full runs of a model: median/min/max wall time and peak RSS.",
        discussion: """
        Inputs as for `run` (--input NAME=FILE, --dim NAME=VALUE, --seed); inputs not given are seeded random. \
        One warm-up run is not counted. --keep none (the default) frees every intermediate after its last use; \
        --keep all keeps them as the debugger does: under the memory budget, and apart from large values that are cheap to \
        recompute (element-wise results, small convolutions), which are dropped after their last use; --observe keeps all and \
        also observes every node. \
        --compare-observe alternates plain and observed runs in one process and prints both medians and the overhead. \
        --profile adds the time per op type and the --top slowest nodes, from the interpreter's per-node clock over the timed runs. \
        Peak RSS is measured over the runs (warm-up included), apart from loading: peak_rss_bytes; model_rss_bytes is the RSS \
        before the first run, start_rss_bytes before loading the model and process_peak_rss_bytes the whole process's peak.
        """
    )

    @Argument(help: "The .onnx file; the embedded sample when omitted.") var model: String?
    @Option(help: "Timed runs.") var runs = 10
    @Option(help: "Threads for kernels.") var threads = 1
    @Option(name: .customLong("input"), help: "NAME=FILE: an input from a .npy or .pb file (repeatable).") var inputs: [String] = []
    @Option(name: .customLong("dim"), help: "NAME=VALUE: bind a symbolic dim for random inputs (repeatable).") var dims: [String] = []
    @Option(help: "Seed for random inputs.") var seed: UInt64 = 0
    @Option(help: "Intermediates a run keeps: none (default: freed after their last use) or all.") var keep: String?
    @Flag(help: "Keep all intermediates and observe every node (stepping cost).") var observe = false
    @Flag(help: "Also print the time per op type and the slowest nodes (JSON: profile).") var profile = false
    @Option(help: "Slowest nodes listed with --profile.") var top = 10
    @Flag(help: "Run every node on its own: no Conv+activation fusion (to measure what it saves).") var noFuse = false
    @Flag(help: "Alternate plain and observed runs; print both medians and the overhead.") var compareObserve = false
    @Flag(help: "Print JSON: runs, median_ms, min_ms, max_ms, peak_rss_bytes, model_rss_bytes, keep...") var json = false

    func run() throws {
        let startRSS = ProcessMemory.currentRSS ?? 0
        guard runs > 0 else { throw CommandFailure(message: "--runs must be at least 1") }
        guard threads > 0 else { throw CommandFailure(message: "--threads must be at least 1") }
        guard let keepMode = BenchReport.Keep(rawValue: keep ?? "none") else {
            throw CommandFailure(message: "--keep \(keep ?? ""): expected none or all")
        }
        guard top >= 0 else { throw CommandFailure(message: "--top must be at least 0") }
        if profile && compareObserve { throw CommandFailure(message: "--profile and --compare-observe cannot be combined") }
        if observe && keep == "none" { throw CommandFailure(message: "--observe keeps all intermediates: drop --keep none") }
        let m = try ModelOpening.load(model)
        var spec = RunInputs()
        spec.random = true
        spec.seed = seed
        do {
            for s in inputs { let (n, p) = try RunInputs.pair(s, what: "--input"); spec.files.append((n, p)) }
            for s in dims {
                let (n, v) = try RunInputs.pair(s, what: "--dim")
                guard let d = Int(v), d >= 0 else { throw CommandFailure(message: "--dim \(s): VALUE must be a non-negative integer") }
                spec.dims[n] = d
            }
        } catch let e as RunInputs.Failure {
            throw CommandFailure(message: e.description)
        }
        let feeds: [String: Value]
        do { feeds = try spec.feeds(for: m) } catch { throw CommandFailure(message: "\(m.source.path): \(error.description)") }
        if compareObserve {
            let r: SteppingReport
            do { r = try SteppingReport.measure(model: m, feeds: feeds, runs: runs, threads: threads, fuse: !noFuse) } catch {
                FileHandleOut.stderr("onnx-explorer: \(error.description)")
                throw ExitCode(1)
            }
            print(json ? r.json.serialized() : r.text)
            return
        }
        let report: BenchReport
        do { report = try BenchReport.measure(model: m, feeds: feeds, runs: runs, threads: threads, keep: keepMode, observe: observe, fuse: !noFuse,
                                                   profile: profile ? top : nil, startRSS: startRSS) } catch {
            FileHandleOut.stderr("onnx-explorer: \(error.description)")
            throw ExitCode(1)
        }
        print(json ? report.json.serialized() : report.text)
    }
}
