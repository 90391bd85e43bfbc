#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
import OnnxRuntime

/// `onnx-explorer bench`: wall time of full runs (after one warm-up run) and peak RSS.
public struct BenchReport {
    public var runs: [Double] = []
    public var peakRSS = 0
    public var observed = false
    public var nodes = 0

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Times `runs` full runs. With `observe`, every intermediate is kept and an observer sees every
    /// node (the stepping/debugging configuration); otherwise values are freed after their last use.
    public static func measure(model: Model, feeds: [String: Value], runs: Int, threads: Int, observe: Bool) throws(Failure) -> BenchReport {
        var report = BenchReport()
        report.observed = observe
        var options = Interpreter.Options()
        options.threads = threads
        options.keepIntermediates = observe
        let interp = Interpreter(model: model, options: options)
        var sink = 0
        if observe { interp.observer = { e in sink &+= e.outputs.count } }
        do {
            _ = try interp.run(feeds)
            for _ in 0..<runs {
                let t0 = RunClock.now()
                _ = try interp.run(feeds)
                report.runs.append(RunClock.seconds(since: t0) * 1000)
            }
        } catch {
            throw Failure(description: error.description)
        }
        report.nodes = interp.nodesExecuted
        _ = sink
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        report.peakRSS = Int(usage.ru_maxrss) * 1024
        return report
    }

    public var median: Double {
        let s = runs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func ms(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    public var json: JSON {
        .object([
            ("runs", .int(runs.count)),
            ("median_ms", .double(BenchReport.ms(median))),
            ("min_ms", .double(BenchReport.ms(runs.min() ?? 0))),
            ("max_ms", .double(BenchReport.ms(runs.max() ?? 0))),
            ("peak_rss_bytes", .int(peakRSS)),
            ("nodes_per_run", .int(nodes)),
            ("observed", .bool(observed)),
        ])
    }

    public var text: String {
        "\(runs.count) runs: median \(RunReport.short(BenchReport.ms(median))) ms, min \(RunReport.short(BenchReport.ms(runs.min() ?? 0))) ms, "
            + "max \(RunReport.short(BenchReport.ms(runs.max() ?? 0))) ms, peak RSS \(Format.bytes(peakRSS)), \(nodes) nodes per run"
            + (observed ? " (all intermediates kept and observed)" : "")
    }
}
