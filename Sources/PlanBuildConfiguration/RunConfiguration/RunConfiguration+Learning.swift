import PlanBuildModel

extension RunConfiguration {
    /// What a process that ran teaches about its command's timeout. A build that finished learns
    /// its duration in whole seconds, rounded up (at least 1); one that timed out learns its timeout, unless that was a fixed limit rather
    /// than a learned value; a cancelled or killed one learns nothing. Learning never turns a finished build into a failed one, so a file
    /// problem here is ignored (the timeout lookup before the build already reported it).
    package func learn(from process: ProcessOutcome, key: String, timeoutUsed: Int, timeoutWasLearned: Bool) {
        switch process.ending {
        case .exited: _ = try? recordDuration(TimeoutPolicy.learnedSeconds(milliseconds: process.durationMilliseconds), for: key)
        case .timedOut where timeoutWasLearned: _ = try? recordTimeout(timeoutUsed, for: key)
        // A killed build or one whose end is unknown says nothing about how long it needs.
        case .timedOut, .cancelled, .killed, .unknown: break
        }
    }
}
