extension BuildResult {
    /// The result of a process that ran: exit 0 → success, another code → build_failed,
    /// the deadline → timeout (exit code -1), cancellation → error "cancelled", a signal PlanBuild
    /// did not send → killed (exit code -signal: never mistaken for a shell's 128 + N exit code),
    /// a lost status → indeterminate.
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
        case .killed(let signal):
            self.init(status: .killed, exitCode: -signal, durationSeconds: seconds, logFile: logFile, command: command,
                      error: ErrorKind.killed, message: Self.killedMessage)
        case .unknown:
            self.init(status: .indeterminate, exitCode: -1, durationSeconds: seconds, logFile: logFile, command: command,
                      error: ErrorKind.indeterminate, message: "the build ended but its exit status was lost")
        case .cancelled:
            self.init(status: .error, exitCode: -1, durationSeconds: seconds, logFile: logFile, command: command,
                      error: "cancelled", message: "the build was cancelled")
        }
        durationMilliseconds = process.durationMilliseconds
        timeoutUsedSeconds = timeoutUsed
    }
}
