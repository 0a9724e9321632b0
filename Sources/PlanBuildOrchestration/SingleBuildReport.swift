import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution

/// One build's result as a run of one build, so that the run exports (JUnit, SARIF: RunExports)
/// have one renderer for `orchestrate` and for the single `run` of the build scripts.
extension RunReport {
    /// `module`: the module the arguments route to, else `default` (the log scope's name);
    /// `command`: the goals (`clean verify`; CommandArguments: options and their values left out).
    public init(singleBuild result: BuildResult, request: BuildRequest) {
        let arguments = try? CommandArguments(system: request.system, commandArgs: request.commandArgs)
        let command = arguments.map { $0.goals.joined(separator: " ") } ?? request.commandArgs
        var build = BuildReport(module: arguments?.module ?? "default", command: command.isEmpty ? request.commandArgs : command,
                                status: .error)
        build.status = BuildReport.Status(result)
        build.durationSeconds = result.durationSeconds
        build.durationMilliseconds = result.durationMilliseconds
        build.logFile = result.logFile.isEmpty ? nil : result.logFile
        build.exitCode = result.exitCode
        build.errors = result.errors ?? []
        build.warnings = result.warnings ?? []
        build.warningCount = build.warnings.count
        build.tests = result.tests
        build.testCases = result.testCases ?? []
        build.reason = result.message
        build.timeSavedSeconds = result.timeSavedSeconds
        build.startedAtMilliseconds = 0
        build.finishedAtMilliseconds = result.durationMilliseconds
        self.init(command: build.command, builds: [build], durationMilliseconds: result.durationMilliseconds)
    }
}

extension BuildReport.Status {
    /// A build's place in a run report. The report has no `indeterminate`: such a build counts as
    /// an error whose reason (the result's message) says why its ending is not known.
    init(_ result: BuildResult) {
        switch (result.status, result.error) {
        case (.success, _): self = .success
        case (.cached, _): self = .cached
        case (.timeout, _): self = .timeout
        case (.killed, _): self = .killed
        case (.error, "cancelled"?): self = .cancelled
        case (.error, _), (.indeterminate, _): self = .error
        }
    }
}
