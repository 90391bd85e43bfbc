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

/// `bench --compare-observe`: plain runs and observed runs (every intermediate kept, every node
/// observed) alternated in one process, so that load from elsewhere hits both alike.
public struct SteppingReport {
    public var plain: [Double] = []
    public var observed: [Double] = []
    public var nodes = 0

    /// Times `runs` pairs after one warm-up of each; the order within a pair alternates.
    public static func measure(model: Model, feeds: [String: Value], runs: Int, threads: Int) throws(BenchReport.Failure) -> SteppingReport {
        var report = SteppingReport()
        var options = Interpreter.Options()
        options.threads = threads
        options.keepIntermediates = false
        let plain = Interpreter(model: model, options: options)
        options.keepIntermediates = true
        let observed = Interpreter(model: model, options: options)
        var sink = 0
        observed.observer = { e in sink &+= e.outputs.count }
        func time(_ interp: Interpreter) throws(RuntimeError) -> Double {
            let t0 = RunClock.now()
            _ = try interp.run(feeds)
            return RunClock.seconds(since: t0) * 1000
        }
        do {
            _ = try time(plain)
            _ = try time(observed)
            for k in 0..<runs {
                if k % 2 == 0 {
                    report.plain.append(try time(plain))
                    report.observed.append(try time(observed))
                } else {
                    report.observed.append(try time(observed))
                    report.plain.append(try time(plain))
                }
            }
        } catch {
            throw BenchReport.Failure(description: error.description)
        }
        _ = sink
        report.nodes = plain.nodesExecuted
        return report
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Observed over plain, from the medians.
    public var overhead: Double {
        let p = SteppingReport.median(plain)
        return p > 0 ? SteppingReport.median(observed) / p - 1 : 0
    }

    public var json: JSON {
        .object([
            ("runs", .int(plain.count)),
            ("nodes_per_run", .int(nodes)),
            ("plain_median_ms", .double(BenchReport.ms(SteppingReport.median(plain)))),
            ("observed_median_ms", .double(BenchReport.ms(SteppingReport.median(observed)))),
            ("plain_min_ms", .double(BenchReport.ms(plain.min() ?? 0))),
            ("observed_min_ms", .double(BenchReport.ms(observed.min() ?? 0))),
            ("overhead_percent", .double((overhead * 1000).rounded() / 10)),
        ])
    }

    public var text: String {
        "\(plain.count) pairs of runs, \(nodes) nodes per run: plain median \(RunReport.short(BenchReport.ms(SteppingReport.median(plain)))) ms, "
            + "observed median \(RunReport.short(BenchReport.ms(SteppingReport.median(observed)))) ms, overhead \(RunReport.short((overhead * 1000).rounded() / 10))%"
    }
}
