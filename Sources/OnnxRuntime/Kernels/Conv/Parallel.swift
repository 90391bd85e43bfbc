import Synchronization

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

    /// Runs `count` GEMM jobs (each a BLAS call) on up to `threads` threads with OpenBLAS itself on
    /// one thread; the first error any job throws is rethrown.
    static func parallelGemms(_ count: Int, threads: Int, _ job: (Int) throws(KernelError) -> Void) throws(KernelError) {
        if threads <= 1 || count <= 1 {
            for j in 0..<count { try job(j) }
            return
        }
        try BLAS.singleThreaded { () throws(KernelError) in
            let failure = Mutex<KernelError?>(nil)
            withoutActuallyEscaping(job) { job in
                let box = UnsafeSendableBox(job)
                parallelFor(count, threads: threads) { js in
                    for j in js {
                        do throws(KernelError) { try box.value(j) } catch { failure.withLock { if $0 == nil { $0 = error } } }
                    }
                }
            }
            if let e = failure.withLock({ $0 }) { throw e }
        }
    }
}
