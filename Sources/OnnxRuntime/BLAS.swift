#if canImport(Glibc)
import Glibc
#endif
import CBLAS

/// OpenBLAS, loaded with dlopen on first use (the only user of CBLAS).
///
/// Not linked at startup: loading it costs startup time, and its runtime CPU detection picks the
/// Haswell kernels on these machines. OpenBLAS reads OPENBLAS_CORETYPE when it loads, so it is set
/// here before dlopen (see `coreType`).
///
/// OpenBLAS always runs on one thread; with `--threads N` the calls are split into blocks that
/// the interpreter's own worker pool runs side by side. OpenBLAS's own threads keep spinning in
/// sched_yield long after a call, and beside our workers on a 2-core machine that third busy
/// thread made two-thread runs slower than one-thread ones.
enum BLAS {
    typealias Sgemm = @convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint,
                                      Float, UnsafePointer<Float>?, blasint, UnsafePointer<Float>?, blasint,
                                      Float, UnsafeMutablePointer<Float>?, blasint) -> Void
    typealias Dgemm = @convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint,
                                      Double, UnsafePointer<Double>?, blasint, UnsafePointer<Double>?, blasint,
                                      Double, UnsafeMutablePointer<Double>?, blasint) -> Void
    typealias Sgemv = @convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, blasint, blasint, Float, UnsafePointer<Float>?, blasint,
                                      UnsafePointer<Float>?, blasint, Float, UnsafeMutablePointer<Float>?, blasint) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias GetThreads = @convention(c) () -> Int32

    struct Library: @unchecked Sendable {
        let sgemm: Sgemm
        let dgemm: Dgemm
        let sgemv: Sgemv?
        let setThreads: SetThreads?
        let getThreads: GetThreads?
    }

    static let candidates = ["libopenblas.so.0", "libopenblas.so", "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
                             "/usr/lib/aarch64-linux-gnu/libopenblas.so.0"]

    static let library: Result<Library, KernelError> = load()

    static func load() -> Result<Library, KernelError> {
        if let core = coreType(own: getenv("ONNX_EXPLORER_OPENBLAS_CORETYPE").map { String(cString: $0) }, avx512: cpuHasAVX512()) {
            setenv("OPENBLAS_CORETYPE", core, 1)
        }
        // Read when OpenBLAS loads: no thread pool of its own at all.
        setenv("OPENBLAS_NUM_THREADS", "1", 1)
        var handle: UnsafeMutableRawPointer?
        var lastError = ""
        for name in candidates {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
            if let e = dlerror() { lastError = String(cString: e) }
        }
        guard let handle else {
            return .failure(KernelError.unsupported("cannot load OpenBLAS (libopenblas.so.0) for MatMul/Gemm: \(lastError); install libopenblas0"))
        }
        guard let s = dlsym(handle, "cblas_sgemm"), let d = dlsym(handle, "cblas_dgemm") else {
            return .failure(KernelError.unsupported("OpenBLAS was loaded but has no cblas_sgemm/cblas_dgemm"))
        }
        let set = dlsym(handle, "openblas_set_num_threads").map { unsafeBitCast($0, to: SetThreads.self) }
        let get = dlsym(handle, "openblas_get_num_threads").map { unsafeBitCast($0, to: GetThreads.self) }
        let gemv = dlsym(handle, "cblas_sgemv").map { unsafeBitCast($0, to: Sgemv.self) }
        set?(1)
        return .success(Library(sgemm: unsafeBitCast(s, to: Sgemm.self), dgemm: unsafeBitCast(d, to: Dgemm.self),
                                sgemv: gemv, setThreads: set, getThreads: get))
    }

    /// The OpenBLAS kernel set to load, or nil to leave OPENBLAS_CORETYPE as it is:
    /// ONNX_EXPLORER_OPENBLAS_CORETYPE when set; else SkylakeX on CPUs with AVX-512, even over an
    /// inherited OPENBLAS_CORETYPE. The Haswell sgemm kernel (0.3.21) is slower there and rounds rows
    /// 6-11 of every 12 output rows differently from rows 0-5, so identical conv filters
    /// gave channels one ulp apart, which SqueezeNet's 1e10-sized logits turn into a wrong softmax.
    static func coreType(own: String?, avx512: Bool) -> String? {
        if let own, !own.isEmpty { return own }
        return avx512 ? "SkylakeX" : nil
    }

    /// True when /proc/cpuinfo lists the avx512f flag.
    static func cpuHasAVX512() -> Bool {
        guard let f = fopen("/proc/cpuinfo", "r") else { return false }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 8192)
        while fgets(&line, Int32(line.count), f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if s.hasPrefix("flags") { return s.split(separator: " ").contains { $0 == "avx512f" || $0 == "avx512f\n" } }
        }
        return false
    }

    static func lib() throws(KernelError) -> Library {
        switch library {
        case let .success(l): return l
        case let .failure(e): throw e
        }
    }

    /// Threads a GEMM may be split over (the interpreter's `threads` option).
    nonisolated(unsafe) static var wantedThreads = 1

    /// The thread count for splitting GEMMs; OpenBLAS itself stays on one thread.
    static func setThreads(_ n: Int) {
        guard n > 0 else { return }
        wantedThreads = n
    }

    /// True while `singleThreaded` runs: our own threads call BLAS concurrently, each call unsplit.
    nonisolated(unsafe) static var pinned = false

    /// Runs `body` with every BLAS call unsplit, for kernels that spread their GEMMs over the
    /// worker threads themselves (many small GEMMs scale better side by side than each split).
    static func singleThreaded<R>(_ body: () throws(KernelError) -> R) throws(KernelError) -> R {
        _ = try lib()
        let was = pinned
        pinned = true
        defer { pinned = was }
        return try body()
    }

    /// One block of C[m, n] per thread, along the longer side (columns on multiples of 16, rows on
    /// multiples of 8), as (m0, m1, n0, n1); nil when the product is too small to gain from threads.
    static func blocks(m: Int, n: Int, k: Int, threads t: Int) -> [(Int, Int, Int, Int)]? {
        // Under ~128K multiply-adds (a few microseconds) waking a worker costs more than it saves.
        // Matrix-vector shapes stay whole: they are memory-bound, and gemv rounds a split differently.
        guard t > 1, m > 1, n > 1, m.multipliedReportingOverflow(by: n).partialValue.multipliedReportingOverflow(by: k).partialValue >= 1 << 17
        else { return nil }
        let byColumns = n >= m
        let extent = byColumns ? n : m, align = byColumns ? 16 : 8
        let count = Swift.min(t, Swift.max(1, extent / (align * 2)))
        guard count > 1 else { return nil }
        return (0..<count).compactMap { b in
            let lo = b == 0 ? 0 : (extent * b / count) & ~(align - 1)
            let hi = b == count - 1 ? extent : (extent * (b + 1) / count) & ~(align - 1)
            guard hi > lo else { return nil }
            return byColumns ? (0, m, lo, hi) : (lo, hi, 0, n)
        }
    }

    /// Runs `block(m0, m1, n0, n1)` for each of `blocks` on the worker pool; false (nothing run)
    /// when the call should stay whole (too small, or inside a kernel's own parallel GEMMs).
    static func split(m: Int, n: Int, k: Int, threads: Int? = nil, _ block: (Int, Int, Int, Int) -> Void) -> Bool {
        guard !pinned, let bs = blocks(m: m, n: n, k: k, threads: threads ?? wantedThreads) else { return false }
        withoutActuallyEscaping(block) { block in
            let box = NN.UnsafeSendableBox(block)
            NN.parallelFor(bs.count, threads: bs.count) { r in
                for i in r { let (m0, m1, n0, n1) = bs[i]; box.value(m0, m1, n0, n1) }
            }
        }
        return true
    }

    static func check(_ dims: Int...) throws(KernelError) {
        for d in dims where d > Int(Int32.max) { throw KernelError.unsupported("matrix dimension \(d) is too large for BLAS") }
    }

    /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major.
    static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int? = nil) throws(KernelError) {
        try check(m, n, k, lda, ldb, ldc)
        let l = try lib()
        // Blocks of C: rows m0..<m1 take A's rows (columns when transposed), columns n0..<n1 B's columns (rows).
        let parts = NN.UnsafeSendableBox((a, b, c))
        if split(m: m, n: n, k: k, threads: threads, { m0, m1, n0, n1 in
            let (a, b, c) = parts.value
            serialSgemm(l, transA: transA, transB: transB, m: m1 - m0, n: n1 - n0, k: k, alpha: alpha,
                        a: a + (transA ? m0 : m0 * lda), lda: lda, b: b + (transB ? n0 * ldb : n0), ldb: ldb,
                        beta: beta, c: c + m0 * ldc + n0, ldc: ldc)
        }) { return }
        serialSgemm(l, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                    beta: beta, c: c, ldc: ldc)
    }

    static func serialSgemm(_ l: Library, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        // A single row or column is a matrix-vector product: OpenBLAS 0.3.21's sgemm would pack
        // the whole weight matrix first (classifier heads: 2x slower than reading it once).
        if let gemv = l.sgemv, k > 0, m == 1 || n == 1 {
            // beta == 0 must not read C (it may be uninitialised, and 0 * NaN is NaN).
            if beta == 0 {
                if m == 1 { c.update(repeating: 0, count: n) } else { for i in 0..<m { c[i * ldc] = 0 } }
            }
            if m == 1 {
                // c[0, :] = a-row . op(B); the row of op(A) is A's row 0, or A's column 0 (stride lda).
                gemv(CblasRowMajor, transB ? CblasNoTrans : CblasTrans, blasint(transB ? n : k), blasint(transB ? k : n),
                     alpha, b, blasint(ldb), a, transA ? blasint(lda) : 1, beta, c, 1)
                return
            }
            if n == 1 {
                // c[:, 0] = op(A) . b-column; the column of op(B) is B's column 0 (stride ldb), or B's row 0.
                gemv(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, blasint(transA ? k : m), blasint(transA ? m : k),
                     alpha, a, blasint(lda), b, transB ? 1 : blasint(ldb), beta, c, blasint(ldc))
                return
            }
        }
        l.sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    static func dgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                      a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                      beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int, threads: Int? = nil) throws(KernelError) {
        try check(m, n, k, lda, ldb, ldc)
        let l = try lib()
        let parts = NN.UnsafeSendableBox((a, b, c))
        if split(m: m, n: n, k: k, threads: threads, { m0, m1, n0, n1 in
            let (a, b, c) = parts.value
            l.dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    blasint(m1 - m0), blasint(n1 - n0), blasint(k), alpha, a + (transA ? m0 : m0 * lda), blasint(lda),
                    b + (transB ? n0 * ldb : n0), blasint(ldb), beta, c + m0 * ldc + n0, blasint(ldc))
        }) { return }
        l.dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
