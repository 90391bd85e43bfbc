import Synchronization

extension NN.Winograd {
    /// Whole blocks of tile rows per thread: each thread transforms, multiplies and transforms back
    /// its own block in its own V/M scratch, so no phase waits for the other thread or reads data
    /// it wrote (phase by phase, a 64-channel 56x56 conv gained nothing from a second thread).
    /// Blocks are the same as on one thread, each computed the same way: results are identical.
    /// Threads take the next block from a shared counter, so a slow thread takes fewer. Runs the
    /// first `blocks` blocks.
    static func runBlocksPerThread(_ p: NN.ConvEngine.Problem, _ s: Shape, blockRows: Int, blocks: Int, x: UnsafePointer<Float>, u: UnsafePointer<Float>,
                                   bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>) throws(KernelError) {
        let c = s.c, m = s.m, cg = c / p.group, mg = m / p.group
        let rows = p.batch * s.ty
        let threads = Swift.min(p.threads, blocks)
        let vCount = 16 * c * blockRows * s.tx, mCount = 16 * m * blockRows * s.tx
        let scratch = NN.Scratch<Float>(threads * (vCount + mCount))
        let next = Atomic<Int>(0)
        let failure = Mutex<KernelError?>(nil)
        let box = NN.UnsafeSendableBox((x, u, bias, y, scratch.base))
        try BLAS.singleThreaded { () throws(KernelError) in
            NN.parallelFor(threads, threads: threads) { parts in
                let (x, u, bias, y, base) = box.value
                for part in parts {
                    let v = base + part * (vCount + mCount), mx = v + vCount
                    while true {
                        let b = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        if b >= blocks { break }
                        let r0 = b * blockRows, r1 = Swift.min(rows, r0 + blockRows)
                        let nb = (r1 - r0) * s.tx
                        inputTransform(x, s, channels: 0..<c, rows: r0..<r1, into: v, ldv: nb)
                        do throws(KernelError) {
                            for j in 0..<(p.group * 16) {
                                let g = j / 16, xi = j % 16
                                try Float.nnGemm(transA: false, transB: false, m: mg, n: nb, k: cg, alpha: 1,
                                                 a: u + xi * m * cg + g * mg * cg, lda: cg,
                                                 b: v + (xi * c + g * cg) * nb, ldb: nb, beta: 0,
                                                 c: mx + (xi * m + g * mg) * nb, ldc: nb)
                            }
                        } catch {
                            failure.withLock { if $0 == nil { $0 = error } }
                            return
                        }
                        outputTransform(UnsafePointer(mx), ldm: nb, s, channels: 0..<m, rows: r0..<r1, bias: bias, into: y)
                    }
                }
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
    }
}
