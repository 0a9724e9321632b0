extension BuildResult {
    /// The result of a process that ran: exit 0 → success, another code → build_failed,
    /// the deadline → timeout (exit code -1), cancellation → error "cancelled".
    init(_ process: ProcessOutcome, logFile: String, command: String, timeoutUsed: Int) {
        let seconds = process.durationMilliseconds / 1000
        switch process.ending {
        case .exited(0):
            self.init(status: .success, exitCode: 0, durationSeconds: seconds, logFile: logFile, command: command)
        case .exited(let code):
            self.init(status: .error, exitCode: code, durationSeconds: seconds, logFile: logFile, command: command,
                      error: ErrorKind.buildFailed)
        case .timedOut:
            self.init(status: .timeout, exitCode: -1, durationSeconds: seconds, logFile: logFile, command: command,
                      error: ErrorKind.timeout)
        case .cancelled:
            self.init(status: .error, exitCode: -1, durationSeconds: seconds, logFile: logFile, command: command,
                      error: "cancelled", message: "the build was cancelled")
        }
        durationMilliseconds = process.durationMilliseconds
        timeoutUsedSeconds = timeoutUsed
    }
}

extension RunConfiguration {
    /// What a process that ran teaches about its command's timeout. A build that finished learns
    /// its duration; one that timed out learns its timeout, unless that was a fixed limit rather
    /// than a learned value. Learning never turns a finished build into a failed one, so a file
    /// problem here is ignored (the timeout lookup before the build already reported it).
    func learn(from process: ProcessOutcome, key: String, timeoutUsed: Int, timeoutWasLearned: Bool) {
        switch process.ending {
        case .exited: _ = try? recordDuration(process.durationMilliseconds / 1000, for: key)
        case .timedOut where timeoutWasLearned: _ = try? recordTimeout(timeoutUsed, for: key)
        case .timedOut, .cancelled: break
        }
    }
}
