import OnnxModel
import OnnxRuntime
import TerminalUI

/// Timings of the headless UI benchmark, in milliseconds.
public struct UIBenchResult: Sendable {
    public var nodes: Int
    public var keys: Int
    /// Building the index and tree and drawing the first frame.
    public var firstFrameMs: Double
    /// Of which building the model index (summary, name tables).
    public var indexMs: Double
    /// The first `/` search (builds the search text of every node, then matches).
    public var firstSearchMs: Double
    public var medianMs: Double
    public var p95Ms: Double
    public var worstMs: Double
    /// The key that produced the worst frame.
    public var worstKey: String

    /// `key = value` lines for the command line.
    public var text: String {
        func f(_ v: Double) -> String { Fmt.g(v, 4) }
        return """
            nodes \(nodes)
            keys \(keys)
            first_frame_ms \(f(firstFrameMs))
            index_ms \(f(indexMs))
            first_search_ms \(f(firstSearchMs))
            median_frame_ms \(f(medianMs))
            p95_frame_ms \(f(p95Ms))
            worst_frame_ms \(f(worstMs)) (\(worstKey))
            """
    }
}

/// Replays `keyCount` navigation keys (a fixed pseudo-random mix of moves, pages, jumps to the
/// ends, expand/collapse, pane switches, searches with n/N, back) on `model` at `width` x
/// `height`, timing update + render + diff for each frame.
public func benchmarkExplorerUI(model: Model, keyCount: Int = 1000, width: Int = 100, height: Int = 30) -> UIBenchResult {
    let clock = ContinuousClock()
    let t0 = clock.now
    let index = ModelIndex(model: model, problems: [])
    let indexTime = clock.now - t0
    var state = AppState(index: index, width: width, height: height)
    var previous = render(state)
    let firstFrame = clock.now - t0

    let mix: [Key] = [.down, .down, .down, .down, .up, .up, .ctrl("d"), .ctrl("u"), .pageDown, .pageUp,
                      .character("l"), .character("l"), .character("h"), .character("j"), .character("k"),
                      .tab, .down, .down, .tab, .character("G"), .character("g"), .character("n"), .character("N"), .backspace]
    var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    var times: [Double] = []
    times.reserveCapacity(keyCount)
    var worst = (0.0, "")
    // One search first, so n/N have matches to step through.
    let s0 = clock.now
    for k in "/Relu\n".map({ $0 == "\n" ? Key.enter : Key.character($0) }) { update(&state, .key(k)) }
    previous = render(state)
    let firstSearch = clock.now - s0
    for _ in 0..<keyCount {
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        let key = mix[Int((rng >> 33) % UInt64(mix.count))]
        let start = clock.now
        update(&state, .key(key))
        let frame = render(state)
        _ = frame.diff(from: previous)
        previous = frame
        let d = clock.now - start
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        times.append(ms)
        if ms > worst.0 { worst = (ms, key.label(unicode: false)) }
    }
    let sorted = times.sorted()
    func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    let ff = Double(firstFrame.components.seconds) * 1000 + Double(firstFrame.components.attoseconds) / 1e15
    let ix = Double(indexTime.components.seconds) * 1000 + Double(indexTime.components.attoseconds) / 1e15
    let fs = Double(firstSearch.components.seconds) * 1000 + Double(firstSearch.components.attoseconds) / 1e15
    return UIBenchResult(nodes: model.graph.nodes.count, keys: keyCount, firstFrameMs: ff, indexMs: ix, firstSearchMs: fs, medianMs: pct(0.5), p95Ms: pct(0.95), worstMs: worst.0, worstKey: worst.1)
}

/// Timings of full runs with and without the debugger's observation of every node.
public struct DebugBenchResult: Sendable {
    public var runs: Int
    public var nodes: Int
    /// `Interpreter.run` with intermediates kept under the budget, no observer (ms).
    public var plainMedianMs: Double
    public var plainMinMs: Double
    /// The same run through the debugger engine: every node observed (summaries, NaN/Inf scan,
    /// subgraph values kept, results streamed to the UI), ms.
    public var observedMedianMs: Double
    public var observedMinMs: Double
    /// Applying the streamed results to the explorer state (on the UI thread, in parallel), median ms.
    public var uiMs: Double

    /// From the fastest runs (least disturbed by other load on the machine).
    public var overhead: Double { plainMinMs > 0 ? observedMinMs / plainMinMs - 1 : 0 }

    public var text: String {
        func f(_ v: Double) -> String { Fmt.g(v, 4) }
        return """
            runs \(runs)
            nodes_executed \(nodes)
            plain_median_ms \(f(plainMedianMs))
            plain_min_ms \(f(plainMinMs))
            observed_median_ms \(f(observedMedianMs))
            observed_min_ms \(f(observedMinMs))
            ui_median_ms \(f(uiMs))
            overhead_percent \(f(overhead * 100)) (min vs min)
            """
    }
}

/// Runs `model` `runs` times plainly and `runs` times through `DebugEngine` (start, then continue
/// to the end with no breakpoints), alternating so that load from elsewhere hits both alike, on
/// the default inputs (seeded random, dims 1).
public func benchmarkDebugger(model: Model, runs: Int = 5, options: DebugOptions = DebugOptions()) throws -> DebugBenchResult {
    struct Failure: Error, CustomStringConvertible { var description: String }
    let feeds: [String: Value]
    do { feeds = try FeedBuilder.feeds(model: model, config: InputConfig()).feeds } catch { throw Failure(description: error.description) }
    var o = Interpreter.Options()
    o.memoryBudget = options.keepBudget ?? Interpreter.defaultMemoryBudget
    o.threads = options.threads
    let interp = Interpreter(model: model, options: o)
    let engine = DebugEngine(model: model, options: options)
    let clock = ContinuousClock()
    func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
    var plain: [Double] = [], observed: [Double] = [], ui: [Double] = []
    var nodes = 0
    for _ in 0..<max(1, runs) {
        let t0 = clock.now
        do { _ = try interp.run(feeds) } catch { throw Failure(description: error.description) }
        plain.append(ms(clock.now - t0))
        nodes = interp.nodesExecuted

        var state = AppState(index: ModelIndex(model: model, problems: []), width: 100, height: 30)
        engine.submit([.start(InputConfig())])
        engine.waitUntilSettled()
        _ = engine.drain()
        engine.submit([.exec(.continueRun, StopRules())])
        engine.waitUntilSettled()
        let events = engine.drain()
        let t1 = clock.now
        for e in events {
            if case let .done(_, .stopped(info)) = e { observed.append(info.seconds * 1000) }
            if case let .done(_, .failed(why, _)) = e { throw Failure(description: why) }
            update(&state, .debug(e))
        }
        ui.append(ms(clock.now - t1))
    }
    func median(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.sorted()[xs.count / 2] }
    return DebugBenchResult(runs: max(1, runs), nodes: nodes, plainMedianMs: median(plain), plainMinMs: plain.min() ?? 0,
                            observedMedianMs: median(observed), observedMinMs: observed.min() ?? 0, uiMs: median(ui))
}
