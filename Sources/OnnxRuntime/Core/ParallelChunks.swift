import Synchronization

/// Threads the element-wise loops may use, set by the interpreter from its `threads` option when
/// a run starts (as it sets OpenBLAS's). Loops split only large arrays: below `grain` elements per
/// thread the hand-off costs more than it saves.
public enum Parallel {
    static let threads = Atomic<Int>(1)
    static let grain = 1 << 15

    public static func setThreads(_ n: Int) { threads.store(Swift.max(1, n), ordering: .relaxed) }

    /// Threads to split `count` units of `weight` elements over: 1 unless every chunk gets at least
    /// `grain` elements. Callers keep their one-thread loop inline (a loop inside a closure did not
    /// vectorise: Add on ConvNeXt ran 15x slower) and call `run` only when this is above 1.
    @inline(__always)
    static func split(_ count: Int, weight: Int = 1) -> Int {
        let t = threads.load(ordering: .relaxed)
        return t <= 1 ? 1 : Swift.min(t, count * Swift.max(weight, 1) / grain)
    }

    /// Runs `body` on `parts` contiguous chunks of 0..<count concurrently. `body` must write only
    /// memory its chunk owns, and should copy what it captures into locals before its loop.
    static func run(_ count: Int, parts: Int, _ body: (Swift.Range<Int>) -> Void) {
        WorkerPool.shared.run(parts) { i in
            let lo = count * i / parts, hi = count * (i + 1) / parts
            if hi > lo { body(lo..<hi) }
        }
    }
}
