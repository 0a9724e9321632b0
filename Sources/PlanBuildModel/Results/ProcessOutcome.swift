/// How a child process ended.
public struct ProcessOutcome: Equatable, Sendable {
    public enum Ending: Equatable, Sendable {
        /// Exit code (a shell reports a child's death by signal N as 128 + N: that is an exit code).
        case exited(Int)
        case timedOut
        case cancelled
        /// Ended by a signal that PlanBuild did not send (the OOM killer, a user's `kill`).
        case killed(signal: Int)
    }

    public let ending: Ending
    public let durationMilliseconds: Int

    package init(ending: Ending, durationMilliseconds: Int) {
        self.ending = ending
        self.durationMilliseconds = durationMilliseconds
    }
}
