import CFastMath

/// The interpreter's per-node clock: raw ticks (the time-stamp counter where the kernel keeps
/// time with it; ~10 ns to read against ~25 for clock_gettime), converted only when a duration
/// is asked for.
enum Ticks {
    @inline(__always)
    static func now() -> UInt64 { cfm_ticks() }

    /// The conversion factor: calibrated on first use, then fixed.
    static var nanosecondsPerTick: Double { cfm_ns_per_tick() }

    /// Rounded by adding a half (the product is not negative): `rounded()` is a libm call.
    static func nanoseconds(_ ticks: UInt64) -> UInt64 {
        UInt64(Double(ticks) * cfm_ns_per_tick() + 0.5)
    }
}
