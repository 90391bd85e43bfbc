#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
@testable import OnnxRuntime
import Testing

/// The vectorised float32 loops against libm in double, over a sweep of float32 bit patterns plus a
/// dense sweep of [-20, 20] and the special values, at every instruction-set level this CPU has
/// (each level is separately compiled code). Serialized: the level is process-wide.
@Suite(.serialized) struct FastMathTests {
    /// Every 8191st bit pattern (about 524,000 values of every sign and exponent), 200,001 values
    /// evenly over [-20, 20], and the values where the code changes branch or saturates.
    static let inputs: [Float] = {
        var v: [Float] = []
        var b: UInt64 = 0
        while b < 1 << 32 { v.append(Float(bitPattern: UInt32(b))); b += 8191 }
        for i in 0...200_000 { v.append(Float(-20 + 40 * Double(i) / 200_000)) }
        v += [0, -0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
              .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
              88.72283, 88.7228394, 89, -87.34, -103.9, -104, -110, 0.75, -0.75, 9.1, -9.1, 20, -20, 30, -30,
              8192, -8192, 100_000, -100_000, 100_001, 1e7, -1e7, 1e30]
        return v
    }()

    /// Error of `got` in units in the last place of the float32 nearest `ref` (subnormal ulp below
    /// the normal range); 0 when both are the same NaN or infinity, infinite on a NaN/Inf mismatch.
    static func ulps(_ got: Float, _ ref: Double) -> Double {
        if ref.isNaN { return got.isNaN ? 0 : .infinity }
        if got.isNaN { return .infinity }
        let rf = Float(ref)
        if rf.isInfinite || got.isInfinite { return got == rf ? 0 : .infinity }
        let u = Swift.abs(ref) < Double(Float.leastNormalMagnitude) ? 0x1p-149 : Double(rf.ulp)
        return Swift.abs(Double(got) - ref) / u
    }

    struct Bound: Sendable, CustomTestStringConvertible {
        let loop: FastLoop
        let ref: @Sendable (Double) -> Double
        /// Max ulps for inputs in `range`, max absolute error outside it.
        let ulps: Double
        var range: ClosedRange<Float> = -.infinity...(.infinity)
        var absolute: Double = 0
        var testDescription: String { "\(loop)" }
    }

    static func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }

    static let bounds: [Bound] = [
        Bound(loop: .exp, ref: { exp($0) }, ulps: 1),
        Bound(loop: .expm1, ref: { expm1($0) }, ulps: 2),
        Bound(loop: .log, ref: { log($0) }, ulps: 1),
        Bound(loop: .sqrt, ref: { $0.squareRoot() }, ulps: 0.5),
        Bound(loop: .tanh, ref: { tanh($0) }, ulps: 3),
        Bound(loop: .sigmoid, ref: { 1 / (1 + exp(-$0)) }, ulps: 3),
        Bound(loop: .erf, ref: { erf($0) }, ulps: 2),
        Bound(loop: .softplus, ref: { softplus($0) }, ulps: 3),
        // e^x is subnormal below -87: only absolute accuracy there.
        Bound(loop: .mish, ref: { $0 * tanh(softplus($0)) }, ulps: 4.5, range: -87...(.infinity), absolute: 1e-40),
        // Far in the negative tail the result is below 1e-17.
        Bound(loop: .gelu, ref: { 0.5 * $0 * erfc(-$0 / 2.0.squareRoot()) }, ulps: 6.5, range: -9...(.infinity), absolute: 1e-17),
        // u = sqrt(2/pi)(x + 0.044715 x^3) is rounded to float before e^-2u: the error grows with |u|.
        Bound(loop: .geluTanh, ref: { x in x / (1 + exp(-2 * (2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))) },
              ulps: 4, range: -1...(.infinity), absolute: 1e-6),
        Bound(loop: .sin, ref: { sin($0) }, ulps: 2),
        Bound(loop: .cos, ref: { cos($0) }, ulps: 2),
        Bound(loop: .elu(alpha: 1), ref: { $0 > 0 ? $0 : expm1($0) }, ulps: 2),
        Bound(loop: .celu(alpha: 2), ref: { $0 > 0 ? $0 : 2 * expm1($0 / 2) }, ulps: 3),
    ]

    /// The levels to test: every one up to what this CPU supports.
    static var levels: [Int] {
        withInstructionSetLevel { Array(0...FastMath.level) }
    }

    @Test(arguments: bounds) func againstLibm(_ b: Bound) {
        let x = Self.inputs
        var y = [Float](repeating: 0, count: x.count)
        for level in Self.levels {
            instructionSetLevelLock.lock()
            FastMath.capLevel(level)
            defer {
                FastMath.capLevel(2)
                instructionSetLevelLock.unlock()
            }
            x.withUnsafeBufferPointer { s in
                y.withUnsafeMutableBufferPointer { d in FastMath.map(b.loop, s.baseAddress!, d.baseAddress!, s.count) }
            }
            var worst = 0.0, worstX: Float = 0, worstAbs = 0.0, worstAbsX: Float = 0
            for i in x.indices {
                let ref = b.ref(Double(x[i]))
                if b.range.contains(x[i]) || x[i].isNaN {
                    let e = Self.ulps(y[i], ref)
                    if e > worst { worst = e; worstX = x[i] }
                } else {
                    let e = ref.isNaN ? (y[i].isNaN ? 0 : .infinity) : Swift.abs(Double(y[i]) - ref)
                    if !(e <= worstAbs) { worstAbs = e; worstAbsX = x[i] }
                }
            }
            #expect(worst <= b.ulps, "level \(level): \(worst) ulp at x = \(worstX)")
            #expect(worstAbs <= b.absolute, "level \(level): absolute error \(worstAbs) at x = \(worstAbsX)")
        }
    }

    /// Bit-exact special cases, independent of the level.
    @Test func specialValues() {
        func f(_ l: FastLoop, _ x: Float) -> Float {
            var y: Float = 0
            withUnsafePointer(to: x) { s in withUnsafeMutablePointer(to: &y) { FastMath.map(l, s, $0, 1) } }
            return y
        }
        #expect(f(.exp, .infinity) == .infinity && f(.exp, -.infinity) == 0 && f(.exp, 0) == 1 && f(.exp, 89) == .infinity)
        #expect(f(.exp, -103) > 0 && f(.exp, -103) < Float.leastNormalMagnitude)  // subnormal, not flushed
        #expect(f(.log, 0) == -.infinity && f(.log, -1).isNaN && f(.log, .infinity) == .infinity && f(.log, 1) == 0)
        #expect(f(.log, .leastNonzeroMagnitude) == Float(log(Double(Float.leastNonzeroMagnitude))))
        #expect(f(.tanh, .infinity) == 1 && f(.tanh, -.infinity) == -1 && f(.tanh, -0.0).sign == .minus)
        #expect(f(.sigmoid, .infinity) == 1 && f(.sigmoid, -.infinity) == 0)
        #expect(f(.erf, .infinity) == 1 && f(.erf, -.infinity) == -1 && f(.erf, 0) == 0)
        #expect(f(.softplus, .infinity) == .infinity && f(.softplus, -.infinity) == 0)
        #expect(f(.sin, .infinity).isNaN && f(.cos, -.infinity).isNaN)
        #expect(f(.sin, 1e30) == Float(sin(Double(Float(1e30)))))  // beyond the fast range: libm's reduction
        for l: FastLoop in [.exp, .expm1, .log, .sqrt, .tanh, .sigmoid, .erf, .gelu, .geluTanh, .softplus, .mish,
                            .sin, .cos, .elu(alpha: 1), .selu(alpha: 1.67, gamma: 1.05), .celu(alpha: 1)] {
            #expect(f(l, .nan).isNaN, "\(l) of NaN")
        }
    }

    /// Row lengths around the 16-lane blocks, NaN and -Inf entries, large offsets.
    @Test func softmaxRows() {
        for level in Self.levels {
            instructionSetLevelLock.lock()
            FastMath.capLevel(level)
            defer {
                FastMath.capLevel(2)
                instructionSetLevelLock.unlock()
            }
            for n in [1, 7, 16, 17, 33, 1000] {
                let rows = 3
                var x = (0..<(rows * n)).map { Float(sin(Double($0) * 0.7) * 30) }
                x[n] += 1000  // row 1: one large value
                for k in 0..<n where k % 3 == 1 { x[2 * n + k] = -.infinity }  // row 2: some -Inf
                for log in [false, true] {
                    var y = [Float](repeating: 0, count: x.count)
                    x.withUnsafeBufferPointer { s in
                        y.withUnsafeMutableBufferPointer { d in FastMath.softmaxRows(s.baseAddress!, d.baseAddress!, rows: rows, n: n, log: log) }
                    }
                    for r in 0..<rows {
                        let row = x[(r * n)..<((r + 1) * n)].map(Double.init)
                        let m = row.max()!
                        let s = row.reduce(0) { $0 + exp($1 - m) }
                        for k in 0..<n {
                            let ref = log ? (row[k] - m) - Glibc.log(s) : exp(row[k] - m) / s
                            let got = y[r * n + k]
                            let err = ref.isInfinite ? (Double(got) == ref ? 0 : .infinity) : Swift.abs(Double(got) - ref)
                            #expect(err <= 4e-7 * Swift.max(1, Swift.abs(ref)), "level \(level) n \(n) log \(log) row \(r) [\(k)]: \(got) vs \(ref)")
                        }
                    }
                }
            }
            let nanRow: [Float] = [1, .nan, 2, 3]
            var y = [Float](repeating: 0, count: 4)
            for log in [false, true] {
                nanRow.withUnsafeBufferPointer { s in
                    y.withUnsafeMutableBufferPointer { d in FastMath.softmaxRows(s.baseAddress!, d.baseAddress!, rows: 1, n: 4, log: log) }
                }
                #expect(y.allSatisfy { $0.isNaN }, "level \(level): a NaN makes the row NaN")
            }
        }
    }

    /// The kernels take the fast loops for float32, float16 and bfloat16 and keep libm for double.
    @Test func kernelsUseTheLoops() throws {
        let x: [Float] = [-3, -0.5, 0, 0.25, 2, 10]
        for (op, loop) in [("Exp", FastLoop.exp), ("Tanh", .tanh), ("Sigmoid", .sigmoid), ("Erf", .erf), ("Sin", .sin)] {
            let y = try #require(runOp(op, [f32([6], x)])[0].tensor).elements(as: Float.self)
            var want = [Float](repeating: 0, count: 6)
            x.withUnsafeBufferPointer { s in want.withUnsafeMutableBufferPointer { FastMath.map(loop, s.baseAddress!, $0.baseAddress!, 6) } }
            #expect(y == want, "\(op)")
            let d = try #require(runOp(op, [f64([6], x.map(Double.init))])[0].tensor)
            #expect(d.dtype == .double && d.count == 6)
        }
        let h = try #require(runOp("Gelu", opset: 20, [f16([3], [-1, 0, 1])])[0].tensor)
        assertClose(h, f16([3], [-0.15865526, 0, 0.8413447]), rtol: 1e-3, atol: 1e-3, "Gelu float16")
    }
}
