/// Milliseconds of CLOCK_MONOTONIC: durations and deadlines that a change of the wall clock
/// cannot move.
public enum MonotonicClock {
    public static func milliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }
}
