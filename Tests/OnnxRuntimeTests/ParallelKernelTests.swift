import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// With --threads 2, Clip, the vectorised math loops (Sigmoid) and the conv loops (depthwise)
/// split large arrays into chunks on the worker pool: every result must be bit-identical to the
/// one-thread run. The pool itself is checked under many small jobs and concurrent callers.
@Suite struct ParallelKernelTests {
    /// x [1, 48, 40, 41] (78,720 floats: two chunks of more than `Parallel.grain`), through a
    /// same-shape Add, a per-channel Mul ([1, 48, 1, 1], strided rows), a scalar Sub, Clip, Sigmoid
    /// (vectorised CFastMath loop), Relu and an integer Cast/Abs path.
    static func model() -> Model {
        let c = 48
        let scale = (0..<c).map { Float($0) / 7 - 3 }
        return Fixtures.model(
            nodes: [
                Node(opType: "Add", name: "add", inputs: ["x", "x"], outputs: ["a"]),
                Node(opType: "Mul", name: "mul", inputs: ["a", "s"], outputs: ["m"]),
                Node(opType: "Sub", name: "sub", inputs: ["m", "k"], outputs: ["d"]),
                Node(opType: "Clip", name: "clip", inputs: ["d", "lo", "hi"], outputs: ["c"]),
                Node(opType: "Sigmoid", name: "sig", inputs: ["c"], outputs: ["g"]),
                Node(opType: "Relu", name: "relu", inputs: ["d"], outputs: ["r"]),
                Node(opType: "Mul", name: "row", inputs: ["r", "w"], outputs: ["q"]),
                Node(opType: "Cast", name: "cast", inputs: ["d"], outputs: ["i"], attributes: [Attribute("to", .int(6))]),
                Node(opType: "Conv", name: "dw", inputs: ["c", "k3"], outputs: ["v"],
                     attributes: [Attribute("group", .int(Int64(c))), Attribute("pads", .ints([1, 1, 1, 1]))]),
                Node(opType: "Abs", name: "abs", inputs: ["i"], outputs: ["j"]),
            ],
            inputs: [Fixtures.tensorInfo("x", .float, [.value(1), .value(Int64(c)), .value(40), .value(41)])],
            outputs: ["g", "q", "j", "v"].map { Fixtures.tensorInfo($0, $0 == "j" ? .int32 : .float, nil) },
            initializers: [
                Fixtures.floats("s", [1, Int64(c), 1, 1], scale),
                Fixtures.floats("k", [], [0.25]),
                Fixtures.floats("lo", [], [-2]),
                Fixtures.floats("hi", [], [5]),
                Fixtures.floats("w", [41], (0..<41).map { Float($0) - 20 }),
                Fixtures.floats("k3", [Int64(c), 1, 3, 3], (0..<(c * 9)).map { Float($0 % 17) / 8 - 1 }),
            ])
    }

    @Test func twoThreadsGiveTheOneThreadResults() throws {
        // One instruction-set level for both runs: another suite may change it meanwhile.
        try withInstructionSetLevel {
            let n = 48 * 40 * 41
            #expect(n / 2 > Parallel.grain)
            var s: UInt32 = 7
            let x = (0..<n).map { _ -> Float in s = s &* 1664525 &+ 1013904223; return Float(s >> 8) / Float(1 << 22) - 2 }
            let feeds: [String: Value] = ["x": .tensor(f32([1, 48, 40, 41], x))]
            var results: [[String: Value]] = []
            for threads in [1, 2] {
                var o = Interpreter.Options()
                o.threads = threads
                results.append(try Interpreter(model: Self.model(), options: o).run(feeds))
            }
            for name in ["g", "q", "v"] {
                let a = try #require(results[0][name]?.tensor).elements(as: Float.self)
                let b = try #require(results[1][name]?.tensor).elements(as: Float.self)
                #expect(a.count == n)
                #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(name)")
            }
            let i0 = try #require(results[0]["j"]?.tensor).elements(as: Int32.self)
            let i1 = try #require(results[1]["j"]?.tensor).elements(as: Int32.self)
            #expect(i0 == i1)
            // Spot checks against scalar arithmetic, so both runs cannot be wrong alike.
            let g = try #require(results[1]["g"]?.tensor).elements(as: Float.self)
            let q = try #require(results[1]["q"]?.tensor).elements(as: Float.self)
            for i in stride(from: 0, to: n, by: 997) {
                let ch = i / (40 * 41), col = i % 41
                let d = (x[i] + x[i]) * (Float(ch) / 7 - 3) - 0.25
                let sig = 1 / (1 + Foundation.exp(-Double(min(max(d, -2), 5))))
                #expect(abs(Double(g[i]) - sig) < 1e-6, "g[\(i)]")
                #expect(q[i] == max(d, 0) * (Float(col) - 20), "q[\(i)]")
            }
        }
    }

    @Test func workerPoolRunsEveryPartOnceUnderManyJobs() {
        let parts = 5
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: parts)
        counts.initialize(repeating: 0, count: parts)
        defer { counts.deallocate() }
        for _ in 0..<20_000 { WorkerPool.shared.run(parts) { i in counts[i] += 1 } }
        #expect((0..<parts).map { counts[$0] } == [Int](repeating: 20_000, count: parts))
        // Jobs with fewer parts than there are workers leave the others idle.
        var one = 0
        for _ in 0..<1000 { WorkerPool.shared.run(1) { _ in one += 1 } }
        #expect(one == 1000)
    }

    @Test func workerPoolSharedByConcurrentCallers() async {
        // A caller that finds the pool busy runs its parts itself: no deadlock, nothing lost.
        let totals = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let sums = UnsafeMutablePointer<Int>.allocate(capacity: 3)
                    sums.initialize(repeating: 0, count: 3)
                    defer { sums.deallocate() }
                    for _ in 0..<2000 { WorkerPool.shared.run(3) { i in sums[i] += i + 1 } }
                    return (0..<3).map { sums[$0] }.reduce(0, +)
                }
            }
            var all: [Int] = []
            for await t in group { all.append(t) }
            return all
        }
        #expect(totals == [Int](repeating: 2000 * 6, count: 4))
    }
}

import Foundation

/// With threads, GEMMs are split into row or column blocks on the worker pool (OpenBLAS itself on
/// one thread): every transpose combination and double precision must give what one unsplit call
/// gives (OpenBLAS picks its edge and small-matrix kernels by size, so the last bit may differ, as
/// with OpenBLAS's own threads), and matrix-vector shapes stay whole.
@Suite struct SplitGemmTests {
    static func values(_ n: Int, seed: Int) -> [Float] { (0..<n).map { Float(($0 * 7919 + seed * 104_729) % 2003) / 1001 - 1 } }

    func gemm(_ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int, threads: Int) throws -> [Float] {
        let a = Self.values(m * k, seed: 1), b = Self.values(k * n, seed: 2)
        var c = Self.values(m * n, seed: 3)
        try a.withUnsafeBufferPointer { a in
            try b.withUnsafeBufferPointer { b in
                try c.withUnsafeMutableBufferPointer { c in
                    try BLAS.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a.baseAddress!, lda: ta ? m : k,
                                   b: b.baseAddress!, ldb: tb ? k : n, beta: 0.25, c: c.baseAddress!, ldc: n, threads: threads)
                }
            }
        }
        return c
    }

    @Test(arguments: [(96, 200, 64), (300, 40, 64), (2, 1000, 512), (1000, 2, 512), (64, 64, 64), (1, 1000, 512)])
    func splitGemmsMatchOneCall(_ shape: (Int, Int, Int)) throws {
        let (m, n, k) = shape
        for ta in [false, true] {
            for tb in [false, true] {
                let one = try gemm(ta, tb, m: m, n: n, k: k, threads: 1)
                let two = try gemm(ta, tb, m: m, n: n, k: k, threads: 2)
                let worst = zip(one, two).map { abs($0 - $1) / Swift.max(1, abs($0)) }.max() ?? 0
                #expect(worst < 1e-5, "m \(m) n \(n) k \(k) transA \(ta) transB \(tb): differs by \(worst)")
            }
        }
    }

    @Test func blocksCoverTheProductOnce() throws {
        for (m, n, k) in [(96, 200, 64), (300, 40, 64), (2, 1000, 512), (1000, 2, 512), (37, 1001, 300)] {
            let bs = try #require(BLAS.blocks(m: m, n: n, k: k, threads: 2), "\(m)x\(n)x\(k) was not split")
            #expect(bs.count == 2)
            var seen = [Int](repeating: 0, count: m * n)
            for (m0, m1, n0, n1) in bs { for i in m0..<m1 { for j in n0..<n1 { seen[i * n + j] += 1 } } }
            #expect(seen.allSatisfy { $0 == 1 })
        }
        // Too small to gain from a second thread; matrix-vector products; one thread.
        #expect(BLAS.blocks(m: 8, n: 8, k: 8, threads: 2) == nil)
        #expect(BLAS.blocks(m: 1, n: 1000, k: 512, threads: 2) == nil)
        #expect(BLAS.blocks(m: 1000, n: 1, k: 512, threads: 2) == nil)
        #expect(BLAS.blocks(m: 300, n: 300, k: 300, threads: 1) == nil)
    }

    @Test func splitDoubleGemmsMatchOneCall() throws {
        let m = 128, n = 96, k = 80
        let a = (0..<(m * k)).map { Double($0 % 13) - 6 }, b = (0..<(k * n)).map { Double($0 % 11) - 5 }
        func run(_ threads: Int) throws -> [Double] {
            var c = [Double](repeating: 1, count: m * n)
            try BLAS.dgemm(transA: false, transB: true, m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: k, beta: 1, c: &c, ldc: n, threads: threads)
            return c
        }
        // Small integers: exact in any summation order.
        #expect(try run(1) == run(2))
    }
}
