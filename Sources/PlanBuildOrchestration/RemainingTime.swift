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

extension RemainingTime {
    /// A build that runs now: the duration learned for it (nil: none) and how long it has run.
    public struct RunningBuild: Equatable, Sendable {
        public let expectedMilliseconds: Int?
        public let elapsedMilliseconds: Int

        public init(expectedMilliseconds: Int?, elapsedMilliseconds: Int) {
            self.expectedMilliseconds = expectedMilliseconds
            self.elapsedMilliseconds = elapsedMilliseconds
        }
    }

    /// Milliseconds the rest of a run should take, or nil when nothing says how long (never a
    /// made-up number) and when nothing is left:
    /// - a running build counts what its learned duration leaves (`ofRunningBuild`); a running
    ///   build without a learned duration makes the estimate unknown — no other build's time
    ///   says how long this one still runs;
    /// - a build still to start counts its learned duration, else the average of the builds this
    ///   run finished; with neither, the estimate is unknown;
    /// - the work is spread over the lanes (`lanes` builds at once), yet the estimate is never
    ///   below what the longest running build has left, nor below the longest build still to start.
    public static func estimate(running: [RunningBuild], pending: [Int?], finishedMilliseconds: [Int], lanes: Int) -> Int? {
        guard !running.isEmpty || !pending.isEmpty else { return nil }
        let average = finishedMilliseconds.isEmpty ? nil : finishedMilliseconds.reduce(0, +) / finishedMilliseconds.count
        var work = 0
        var longest = 0
        for build in running {
            guard let expected = build.expectedMilliseconds else { return nil }
            let left = ofRunningBuild(expectedMilliseconds: expected, elapsedMilliseconds: build.elapsedMilliseconds)
            work += left
            longest = max(longest, left)
        }
        for learned in pending {
            guard let expected = learned ?? average else { return nil }
            work += expected
            longest = max(longest, expected)
        }
        let spread = work / max(1, min(lanes, running.count + pending.count))
        return max(spread, longest)
    }
}
