#if canImport(Glibc)
import Glibc
#endif
import CBLAS

/// OpenBLAS, loaded with dlopen on first use (the only user of CBLAS).
///
/// Not linked at startup: loading it costs startup time, and its runtime CPU detection picks the
/// Haswell kernels on these machines. OpenBLAS reads OPENBLAS_CORETYPE when it loads, so it is set
/// here before dlopen (see `coreType`).
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

    nonisolated(unsafe) static var currentThreads: Int32 = 0
    nonisolated(unsafe) static var wantedThreads: Int32 = 1

    /// The thread count for OpenBLAS; applied when the library is (or has been) loaded, so
    /// models without MatMul/Gemm never load it.
    static func setThreads(_ n: Int) {
        guard n > 0 else { return }
        wantedThreads = Int32(clamping: n)
    }

    /// True while `singleThreaded` runs: our own threads call BLAS concurrently, each call on one thread.
    nonisolated(unsafe) static var pinned = false

    /// Runs `body` with OpenBLAS on one thread, for kernels that split their GEMMs across their
    /// own threads (many small GEMMs scale better side by side than each split in two).
    static func singleThreaded<R>(_ body: () throws(KernelError) -> R) throws(KernelError) -> R {
        let l = try lib()
        if let set = l.setThreads, currentThreads != 1 {
            set(1)
            currentThreads = 1
        }
        pinned = true
        defer { pinned = false }
        return try body()
    }

    static func applyThreads(_ l: Library) {
        guard !pinned, let set = l.setThreads, currentThreads != wantedThreads else { return }
        set(wantedThreads)
        currentThreads = wantedThreads
    }

    static func check(_ dims: Int...) throws(KernelError) {
        for d in dims where d > Int(Int32.max) { throw KernelError.unsupported("matrix dimension \(d) is too large for BLAS") }
    }

    /// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major.
    static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) throws(KernelError) {
        try check(m, n, k, lda, ldb, ldc)
        let l = try lib()
        applyThreads(l)
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
                      beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) throws(KernelError) {
        try check(m, n, k, lda, ldb, ldc)
        let l = try lib()
        applyThreads(l)
        l.dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
