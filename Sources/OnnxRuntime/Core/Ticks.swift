import CFastMath

/// The interpreter's per-node clock: raw ticks (the time-stamp counter where the kernel keeps
/// time with it; ~10 ns to read against ~25 for clock_gettime), converted only when a duration
/// is asked for.
enum Ticks {
    @inline(__always)
    static func now() -> UInt64 { cfm_ticks() }

    static func nanoseconds(_ ticks: UInt64) -> UInt64 {
        UInt64((Double(ticks) * cfm_ns_per_tick()).rounded())
    }
}
