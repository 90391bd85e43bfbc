import OnnxModel
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
