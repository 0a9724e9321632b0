/// How a child process ended.
public struct ProcessOutcome: Equatable, Sendable {
    public enum Ending: Equatable, Sendable {
        /// The exit code the program ended with (0-255; a shell reports its child's death by signal
        /// N as 128 + N: that is an exit code).
        case exited(Int)
        /// Ended by a signal that PlanBuild did not send (the OOM killer, a user's `kill`).
        case killed(signal: Int)
        /// It ended, but how is not known (its status was lost).
        case unknown
        case timedOut
        case cancelled

        /// The status code of the C support and the supervisor: 0-255 exit code, 256 + signal, else unknown.
        public init(statusCode code: Int) {
            switch code {
            case 0...255: self = .exited(code)
            case 257...(256 + 64): self = .killed(signal: code - 256)
            default: self = .unknown
            }
        }
    }

    public let ending: Ending
    public let durationMilliseconds: Int

    package init(ending: Ending, durationMilliseconds: Int) {
        self.ending = ending
        self.durationMilliseconds = durationMilliseconds
    }
}
