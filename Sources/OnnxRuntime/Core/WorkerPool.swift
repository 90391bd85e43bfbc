#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Persistent worker threads for splitting one kernel's loop. DispatchQueue.concurrentPerform cost
/// about 0.4 ms per call here (waking pooled threads), more than a 300K-element Add takes; these
/// workers poll for about a millisecond after each job (the next kernel usually follows within
/// microseconds) and then sleep on a semaphore. One job runs at a time; a caller that finds the pool busy (another
/// interpreter on another thread) runs its parts itself.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()
    /// Polls of the job counter (about 1 ms) before a worker sleeps: a model's kernels follow each
    /// other within that, and waking a sleeping worker through the semaphore cost more than the
    /// split saved on small convolutions (EfficientNet-B0 at 2 threads: 9.4-14.2 ms with 100 us
    /// of polling, 6.6-6.8 ms with 1 ms). Only runs with more than one thread have workers.
    static let pollSpins = 300_000

    /// Parts a job may have; more run on the caller.
    static let maxParts = 16

    private var workers: [Worker] = []
    private let lock = Mutex(())
    private let busy = Atomic<Bool>(false)

    // The posted job, stable while its participants run (the caller waits for them all).
    private var job: ((Int) -> Void)?
    private let parts = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)

    final class Worker: @unchecked Sendable {
        /// The part this worker runs (1...); part 0 is the caller's.
        let part: Int
        /// The generation current when the worker was made: it waits for the next one (which may
        /// be posted before its thread even starts).
        let start: Int
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
        init(part: Int, start: Int) {
            self.part = part
            self.start = start
        }
    }

    /// Runs body(0) ... body(count - 1) concurrently and returns when all have finished.
    func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<count { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        let n = Swift.min(count, WorkerPool.maxParts)
        ensureWorkers(n - 1)
        withoutActuallyEscaping(body) { work in
            job = work
            parts.store(n, ordering: .relaxed)
            remaining.store(n - 1, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
            for w in workers.prefix(n - 1) where w.sleeping.exchange(false, ordering: .acquiringAndReleasing) {
                w.wake.signal()
            }
            work(0)
            if count > n { for i in n..<count { work(i) } }
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 2000 { sched_yield() }
            }
            job = nil
        }
    }

    private func ensureWorkers(_ count: Int) {
        lock.withLock { _ in
            while workers.count < count {
                let w = Worker(part: workers.count + 1, start: generation.load(ordering: .acquiring))
                workers.append(w)
                Launcher(pool: self, worker: w).start()
            }
        }
    }

    /// A worker's loop: wait for a new generation, run its part if it has one, count down.
    fileprivate func loop(_ w: Worker) {
        var seen = w.start
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                // About a millisecond of polling, then sleep until the next job signals.
                if spins < WorkerPool.pollSpins { continue }
                w.sleeping.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen {
                    // A job arrived meanwhile: whoever clears the flag owns the wake-up; if the
                    // caller cleared it, its signal is on the way and must be consumed.
                    if !w.sleeping.exchange(false, ordering: .acquiringAndReleasing) { w.wake.wait() }
                    break
                }
                w.wake.wait()
                spins = 0
            }
            // Read the part count consistently with its generation (seqlock): a worker that is not
            // part of a job may see the next one posted while it reads. Only participants touch
            // `job`; the caller waits for them, so it is stable while they read it.
            let g = generation.load(ordering: .acquiring)
            let p = parts.load(ordering: .acquiring)
            if generation.load(ordering: .acquiring) != g { continue }
            seen = g
            guard w.part < p else { continue }
            do {
                // The copy is released before the count-down: the caller's withoutActuallyEscaping
                // checks that nothing holds the closure when it returns.
                let j = job
                j?(w.part)
            }
            remaining.wrappingSubtract(1, ordering: .releasing)
        }
    }

    /// Starts a detached pthread running the pool's loop for one worker.
    private final class Launcher: @unchecked Sendable {
        let pool: WorkerPool
        let worker: Worker
        init(pool: WorkerPool, worker: Worker) {
            self.pool = pool
            self.worker = worker
        }

        func start() {
            let arg = Unmanaged.passRetained(self).toOpaque()
            var tid = pthread_t()
            _ = pthread_create(&tid, nil, { arg in
                let l = Unmanaged<Launcher>.fromOpaque(arg!).takeRetainedValue()
                l.pool.loop(l.worker)
                return nil
            }, arg)
            pthread_detach(tid)
        }
    }
}
