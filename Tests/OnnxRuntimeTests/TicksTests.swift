#if canImport(Glibc)
import Glibc
#endif
import OnnxModel
@testable import OnnxRuntime
import TestSupport
import Testing

/// The per-node clock (time-stamp counter ticks where usable) converts to real nanoseconds.
@Suite struct TicksTests {
    static func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    @Test func ticksMeasureTheSameIntervalsAsTheMonotonicClock() {
        for _ in 0..<3 {
            let m0 = Self.monotonic(), t0 = Ticks.now()
            while Self.monotonic() - m0 < 20_000_000 {}
            let t1 = Ticks.now(), m1 = Self.monotonic()
            let ticks = Double(Ticks.nanoseconds(t1 - t0)), wall = Double(m1 - m0)
            #expect(abs(ticks - wall) / wall < 0.01, "ticks say \(ticks) ns, the monotonic clock \(wall) ns")
        }
    }

    /// Converting a duration costs a multiplication: the factor is calibrated once and then
    /// fixed (refining it cost a clock read per conversion for a process's first 100 ms).
    @Test func theConversionIsCalibratedOnceThenFixed() {
        let first = Ticks.nanosecondsPerTick
        let m0 = Self.monotonic()
        while Self.monotonic() - m0 < 5_000_000 {}
        #expect(Ticks.nanosecondsPerTick == first)
        #expect(Ticks.nanoseconds(0) == 0)
        #expect(Ticks.nanoseconds(1_000_000) == UInt64(1_000_000 * first + 0.5))
    }

    @Test func nodeTimesFitInsideTheRun() throws {
        let m = Fixtures.model(nodes: [Node(opType: "Neg", name: "a", inputs: ["x"], outputs: ["y1"]),
                                       Node(opType: "Exp", name: "b", inputs: ["y1"], outputs: ["y"])],
                               inputs: [Fixtures.tensorInfo("x", .float, nil)], outputs: [Fixtures.tensorInfo("y", .float, nil)])
        let i = Interpreter(model: m)
        var total: UInt64 = 0
        var count = 0
        i.observer = { e in total += e.nanoseconds; count += 1 }
        let x = f32([1 << 16], [Float](repeating: 0.5, count: 1 << 16))
        let m0 = Self.monotonic()
        _ = try i.run(["x": .tensor(x)])
        let wall = Self.monotonic() - m0
        #expect(count == 2)
        #expect(total > 0)
        #expect(Double(total) <= Double(wall) * 1.01)
    }
}
