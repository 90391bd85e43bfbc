extension NN {
    /// Splits 0..<count into at most `threads` contiguous chunks and runs `body` on each,
    /// concurrently when threads > 1 and the work is large enough to pay for it.
    /// `body` must only write memory its own chunk owns.
    static func parallelFor(_ count: Int, threads: Int, minimumPerThread: Int = 1, _ body: (Swift.Range<Int>) -> Void) {
        let t = Swift.min(threads, count / Swift.max(minimumPerThread, 1))
        if t <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        WorkerPool.shared.run(t) { i in
            let lo = count * i / t, hi = count * (i + 1) / t
            if hi > lo { body(lo..<hi) }
        }
    }

    /// Carries a non-Sendable value into a parallel chunk's closure; parallelFor guarantees the
    /// chunks touch disjoint memory.
    struct UnsafeSendableBox<V>: @unchecked Sendable {
        let value: V
        init(_ v: V) { value = v }
    }
}
