/// How a child process ended.
public struct ProcessOutcome: Equatable, Sendable {
    public enum Ending: Equatable, Sendable {
        /// Exit code, or 128 + signal for a child killed by a signal.
        case exited(Int)
        case timedOut
        case cancelled
    }

    public let ending: Ending
    public let durationMilliseconds: Int

    package init(ending: Ending, durationMilliseconds: Int) {
        self.ending = ending
        self.durationMilliseconds = durationMilliseconds
    }
}
