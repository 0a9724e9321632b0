import PlanBuildSupport

/// The outcome of one build: the result fields every caller gets, in the order `json` writes them.
public struct BuildResult: Equatable, Sendable {
    /// `cached`: a single run that the build cache answered (only with `incremental.enabled`).
    /// `killed`: a signal PlanBuild did not send ended the build (no verdict: its log is cut short),
    /// or it was running when the build server that ran it was killed.
    /// `indeterminate`: how the build ended cannot be established (its status was lost, or an
    /// exit 0 whose log cannot be read to confirm it).
    public enum Status: String, Sendable { case success, error, timeout, cached, killed, indeterminate }

    /// What the `error` field says when a build did not succeed.
    public enum ErrorKind {
        public static let buildFailed = "build_failed"
        public static let timeout = "timeout"
        public static let executionFailed = "execution_failed"
        public static let wrapperNotFound = "wrapper_not_found"
        public static let logFileFailed = "log_file_failed"
        public static let killed = "killed"
        public static let indeterminate = "indeterminate"
    }

    /// What a `killed` result tells a person: a signal is no verdict on the build.
    public static let killedMessage = "externally killed — not flaky, do not blind-retry"

    public var status: Status
    public var exitCode: Int
    public var durationSeconds: Int
    public var logFile: String
    public var command: String
    public var error: String?
    public var timeoutUsedSeconds: Int?
    public var wrapper: String?
    public var commandType: String?
    /// Why the build could not start, for a person; carried as `message` after the scalar fields.
    public var message: String?
    /// Parsed diagnostics; nil when the log was not parsed (a successful build is not).
    public var errors: [Issue]?
    public var warnings: [Issue]?
    public var tests: TestSummary?
    /// A cached result: the recorded duration of the build it stands for.
    public var timeSavedSeconds: Int?
    /// Durations below one second, for orchestration statistics; not part of the result fields.
    public var durationMilliseconds: Int
    /// Each test as the tools' own reports name it (TestReports), for the JUnit export; not part of
    /// the result fields.
    public var testCases: [TestCaseResult]?
    /// Tests that ran (passed + failed), when the log shows a test summary.
    public var testsRun: Int?
    /// The tool's own account of how long its tests took, attached to a timeout whose tests
    /// were all green so far.
    public var toolDurationSeconds: Double?

    public init(status: Status, exitCode: Int, durationSeconds: Int, logFile: String, command: String,
                error: String? = nil, timeoutUsedSeconds: Int? = nil, wrapper: String? = nil,
                commandType: String? = nil, message: String? = nil, durationMilliseconds: Int = 0) {
        self.status = status
        self.exitCode = exitCode
        self.durationSeconds = durationSeconds
        self.logFile = logFile
        self.command = command
        self.error = error
        self.timeoutUsedSeconds = timeoutUsedSeconds
        self.wrapper = wrapper
        self.commandType = commandType
        self.message = message
        self.durationMilliseconds = durationMilliseconds
    }

    /// A build that never started: status error, exit code -1, no log, the error `kind`
    /// (ErrorKind) and why, for a person.
    package static func notStarted(_ kind: String, command: String, message: String) -> BuildResult {
        BuildResult(status: .error, exitCode: -1, durationSeconds: 0, logFile: "", command: command, error: kind, message: message)
    }

    /// Exit code 0 for the caller: a success, or a cached result standing for one.
    public var succeeded: Bool { status == .success || status == .cached }

    /// The first `errors` errors and `warnings` warnings (nil: all): what `run` shows.
    public mutating func capIssues(errors: Int?, warnings: Int?) {
        if let limit = errors, let all = self.errors, all.count > limit { self.errors = Array(all.prefix(max(0, limit))) }
        if let limit = warnings, let all = self.warnings, all.count > limit { self.warnings = Array(all.prefix(max(0, limit))) }
    }

    /// The result object in the documented field order.
    public func json(includeAccepted: Bool = false) -> JSONObject {
        var object = JSONObject([
            ("status", .string(status.rawValue)),
            ("exit_code", .int(exitCode)),
            ("duration_seconds", .int(durationSeconds)),
            ("log_file", .string(logFile)),
            ("command", .string(command)),
        ])
        if let error { object["error"] = .string(error) }
        if let timeoutUsedSeconds { object["timeout_used_seconds"] = .int(timeoutUsedSeconds) }
        if let wrapper { object["wrapper"] = .string(wrapper) }
        if let commandType { object["command_type"] = .string(commandType) }
        if let timeSavedSeconds { object["time_saved_seconds"] = .int(timeSavedSeconds) }
        if let message { object["message"] = .string(message) }
        if let testsRun { object["tests_run"] = .int(testsRun) }
        if let toolDurationSeconds { object["tool_duration_seconds"] = .double(toolDurationSeconds) }
        if let errors { object["errors"] = .array(errors.map { $0.rowJSON(includeAccepted: false) }) }
        if let warnings {
            let marked = includeAccepted && warnings.contains(where: \.accepted)
            object["warnings"] = .array(warnings.map { $0.rowJSON(includeAccepted: marked) })
        }
        if let tests { object["tests"] = tests.json }
        return object
    }
}
