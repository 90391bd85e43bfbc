import OnnxModel
import OnnxRuntime

/// `onnx-explorer bench`: wall time of full runs (after one warm-up run) and peak RSS.
public struct BenchReport {
    /// Which intermediates a run keeps.
    public enum Keep: String, CaseIterable, Sendable {
        /// Only the graph outputs: every intermediate is freed after its last use.
        case none
        /// Every intermediate is kept (under the interpreter's memory budget), as the debugger does.
        case all
    }

    public var runs: [Double] = []
    /// Peak RSS while the runs (warm-up included) executed; the whole process's peak when the
    /// peak cannot be reset (`peakScope` is then "process").
    public var peakRSS = 0
    /// "runs" or "process": what `peakRSS` covers.
    public var peakScope = "runs"
    /// Peak RSS of the whole process, model loading included.
    public var processPeakRSS = 0
    /// RSS when the command started, before loading the model (the runtime's own baseline).
    public var startRSS = 0
    /// RSS after loading the model and making the inputs, before the first run (weights are read
    /// lazily, so most of them are not resident yet).
    public var modelRSS = 0
    /// RSS after the last run (outputs, converted initializers and pooled buffers still held).
    public var finalRSS = 0
    /// Bytes of values the interpreter still held after the last run (outputs, kept intermediates).
    public var heldBytes = 0
    public var keep = Keep.none
    public var observed = false
    public var nodes = 0
    /// With `profile`: time per op type and the slowest nodes over the timed runs.
    public var profile: ProfileReport?

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Times `runs` full runs. `keep` says which intermediates a run holds; with `observe`, an
    /// observer also sees every node (the stepping/debugging configuration, implies keeping all).
    public static func measure(model: Model, feeds: [String: Value], runs: Int, threads: Int,
                               keep: Keep = .none, observe: Bool = false, fuse: Bool = true, profile: Int? = nil,
                               startRSS: Int = 0) throws(Failure) -> BenchReport {
        var report = BenchReport()
        report.startRSS = startRSS
        report.observed = observe
        report.keep = observe ? .all : keep
        var options = Interpreter.Options()
        options.threads = threads
        options.keepIntermediates = report.keep == .all
        options.fuse = fuse
        let interp = Interpreter(model: model, options: options)
        // A raw cell: a captured var would add an exclusivity check per event to the observed time.
        let sink = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        sink.initialize(to: 0)
        defer { sink.deallocate() }
        if observe {
            // It reads sizes, as the debugger reads summaries: fused Conv outputs may stay deferred.
            interp.observerReadsValues = false
            interp.observer = { e in sink.pointee &+= BenchReport.touch(e) }
        }
        let collector = profile.map { _ in ProfileReport.Collector() }
        report.modelRSS = ProcessMemory.currentRSS ?? 0
        let loadPeak = ProcessMemory.peakRSS
        // Peak of the runs themselves, not of loading (protobuf decoding, the input files).
        if !ProcessMemory.resetPeak() { report.peakScope = "process" }
        do {
            _ = try interp.run(feeds)
            // Only the timed runs are profiled (the warm-up folds constants and fills the pool).
            if let collector {
                // Timing only: fused groups need not materialise their intermediates for it.
                interp.observerReadsValues = false
                interp.observer = { e in
                    if observe { sink.pointee &+= BenchReport.touch(e) }
                    collector.record(e)
                }
            }
            for _ in 0..<runs {
                let t0 = RunClock.now()
                _ = try interp.run(feeds)
                report.runs.append(RunClock.seconds(since: t0) * 1000)
            }
        } catch {
            throw Failure(description: error.description)
        }
        report.nodes = interp.nodesExecuted
        if let collector, let profile { report.profile = collector.finish(runs: runs, top: profile) }
        report.heldBytes = interp.heldBytes
        // The process's peak from /proc (loading, then the runs). getrusage's figure is only the
        // fallback: it lags /proc's, and exec hands it the parent's high-water mark (a Python
        // harness that loaded a big model would show up in ours).
        if let loadPeak, let runPeak = ProcessMemory.peakRSS {
            report.processPeakRSS = max(loadPeak, runPeak)
        } else {
            report.processPeakRSS = ProcessMemory.processPeakRSS
        }
        report.finalRSS = ProcessMemory.currentRSS ?? 0
        report.peakRSS = report.peakScope == "runs" ? (ProcessMemory.peakRSS ?? report.processPeakRSS) : report.processPeakRSS
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
            ("peak_rss_scope", .string(peakScope)),
            ("process_peak_rss_bytes", .int(processPeakRSS)),
            ("start_rss_bytes", .int(startRSS)),
            ("model_rss_bytes", .int(modelRSS)),
            ("final_rss_bytes", .int(finalRSS)),
            ("held_bytes", .int(heldBytes)),
            ("keep", .string(keep.rawValue)),
            ("nodes_per_run", .int(nodes)),
            ("observed", .bool(observed)),
            ("profile", profile?.json ?? .null),
        ])
    }

    public var text: String {
        "\(runs.count) runs: median \(RunReport.short(BenchReport.ms(median))) ms, min \(RunReport.short(BenchReport.ms(runs.min() ?? 0))) ms, "
            + "max \(RunReport.short(BenchReport.ms(runs.max() ?? 0))) ms, \(nodes) nodes per run\n"
            + "peak RSS \(Format.bytes(peakRSS)) \(peakScope == "runs" ? "during the runs" : "of the process")"
            + " (\(Format.bytes(modelRSS)) after loading, \(Format.bytes(processPeakRSS)) process peak), "
            + (observed ? "all intermediates kept and observed" : keep == .all ? "all intermediates kept" : "only outputs kept")
            + (profile.map { "\n" + $0.text } ?? "")
    }
}

extension BenchReport {
    /// What a minimal observer does with an event: reads each output's size and the duration.
    @inline(never)
    static func touch(_ e: NodeEvent) -> Int {
        var n = Int(truncatingIfNeeded: e.nanoseconds & 1)
        for k in 0..<e.outputs.count { n &+= e.outputs.byteCount(at: k) }
        return n
    }
}

/// `bench --compare-observe`: plain runs and observed runs (every intermediate kept, every node
/// observed) alternated in one process, so that load from elsewhere hits both alike.
public struct SteppingReport {
    public var plain: [Double] = []
    public var observed: [Double] = []
    public var nodes = 0

    /// Times `runs` pairs after one warm-up of each; the order within a pair alternates.
    public static func measure(model: Model, feeds: [String: Value], runs: Int, threads: Int, fuse: Bool = true) throws(BenchReport.Failure) -> SteppingReport {
        var report = SteppingReport()
        var options = Interpreter.Options()
        options.threads = threads
        options.fuse = fuse
        options.keepIntermediates = false
        let plain = Interpreter(model: model, options: options)
        options.keepIntermediates = true
        let observed = Interpreter(model: model, options: options)
        let sink = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        sink.initialize(to: 0)
        defer { sink.deallocate() }
        // It reads sizes, as the debugger reads summaries: fused Conv outputs may stay deferred.
        observed.observerReadsValues = false
        observed.observer = { e in sink.pointee &+= BenchReport.touch(e) }
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
        report.nodes = plain.nodesExecuted
        return report
    }

    /// Milliseconds rounded to the nanosecond.
    static func ns(_ v: Double) -> Double { (v * 1_000_000).rounded() / 1_000_000 }

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
            // To the nanosecond: the samples run in a few microseconds.
            ("plain_median_ms", .double(SteppingReport.ns(SteppingReport.median(plain)))),
            ("observed_median_ms", .double(SteppingReport.ns(SteppingReport.median(observed)))),
            ("plain_min_ms", .double(SteppingReport.ns(plain.min() ?? 0))),
            ("observed_min_ms", .double(SteppingReport.ns(observed.min() ?? 0))),
            ("overhead_percent", .double((overhead * 1000).rounded() / 10)),
        ])
    }

    public var text: String {
        "\(plain.count) pairs of runs, \(nodes) nodes per run: plain median \(RunReport.short(BenchReport.ms(SteppingReport.median(plain)))) ms, "
            + "observed median \(RunReport.short(BenchReport.ms(SteppingReport.median(observed)))) ms, overhead \(RunReport.short((overhead * 1000).rounded() / 10))%"
    }
}
