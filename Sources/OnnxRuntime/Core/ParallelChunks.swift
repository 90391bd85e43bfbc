import Dispatch
import Synchronization

/// Threads the element-wise loops may use, set by the interpreter from its `threads` option when
/// a run starts (as it sets OpenBLAS's). Loops split only large arrays: below `grain` elements per
/// thread the hand-off costs more than it saves.
public enum Parallel {
    static let threads = Atomic<Int>(1)
    static let grain = 1 << 15

    public static func setThreads(_ n: Int) { threads.store(Swift.max(1, n), ordering: .relaxed) }

    /// Runs `body` over contiguous chunks covering 0..<count: on one thread, or split across the
    /// configured threads when every chunk gets at least `grain` units of `weight` elements.
    /// `body` must write only memory its chunk owns.
    @inline(__always)
    static func chunks(_ count: Int, weight: Int = 1, _ body: (Swift.Range<Int>) -> Void) {
        let t = Swift.min(threads.load(ordering: .relaxed), count * Swift.max(weight, 1) / grain)
        if t <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { work in
            let box = Box(work)
            DispatchQueue.concurrentPerform(iterations: t) { i in
                let lo = count * i / t, hi = count * (i + 1) / t
                if hi > lo { box.value(lo..<hi) }
            }
        }
    }

    /// Carries the chunk closure into concurrentPerform; the chunks write disjoint memory.
    struct Box<V>: @unchecked Sendable {
        let value: V
        init(_ v: V) { value = v }
    }
}
