extension BuildResult {
    /// The result of a process that ran: exit 0 → success, another code → build_failed,
    /// the deadline → timeout (exit code -1), cancellation → error "cancelled", a signal PlanBuild
    /// did not send → killed (exit code 128 + the signal).
    package init(_ process: ProcessOutcome, logFile: String, command: String, timeoutUsed: Int) {
        let seconds = WholeSeconds.of(milliseconds: process.durationMilliseconds)
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
        case .killed(let signal):
            self.init(status: .killed, exitCode: 128 + signal, durationSeconds: seconds, logFile: logFile, command: command,
                      error: ErrorKind.killed,
                      message: "the build was ended by signal \(signal), which PlanBuild did not send (the OOM killer, or another process's kill)")
        }
        durationMilliseconds = process.durationMilliseconds
        timeoutUsedSeconds = timeoutUsed
    }
}
