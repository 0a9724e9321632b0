/// The honest estimate of the time left. A build that runs longer than expected is not
/// "0s from done": the time it has overrun is taken as the best guess of what is still to come,
/// so an estimate that has passed grows instead of sticking at zero. Never below a second while
/// anything runs.
public enum RemainingTime {
    /// Milliseconds still expected of a running build that was expected to take `expected` and
    /// has run for `elapsed`.
    public static func ofRunningBuild(expectedMilliseconds expected: Int, elapsedMilliseconds elapsed: Int) -> Int {
        let left = expected - elapsed
        return left >= 1000 ? left : max(1000, -left)
    }

    /// An estimate made `since` seconds ago as `estimate` seconds, as it stands now: counted down,
    /// and once passed, growing by the overrun (the same rule as a single build's).
    public static func now(estimate: Double, since: Double) -> Double {
        let left = estimate - max(0, since)
        return left >= 1 ? left : max(1, -left)
    }
}
