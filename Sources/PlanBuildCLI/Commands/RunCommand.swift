import ArgumentParser
import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildPresentation
import PlanBuildServer

extension BuildSystem: ExpressibleByArgument {}
extension WarningMode: ExpressibleByArgument {}
extension ResultFormatter.Format: ExpressibleByArgument {}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one build and print its result (as the maven/gradle/npm scripts do).")

    @OptionGroup var project: ProjectOptions
    @Option(help: "The build system.") var system: BuildSystem
    @Option(name: .customLong("args"), help: "The tool's arguments, e.g. \"verify -pl core\".") var commandArgs: String
    @Option(parsing: .unconditional, help: "Seconds to start from when nothing was learned yet (default 300; a year at most).")
    var timeout: TimeoutOption?
    @Option(help: "actionable, structured or errors") var mode: WarningMode = .actionable
    @Option(help: "toon or json") var format: ResultFormatter.Format = .toon
    @Option(help: "Also write the build as JUnit XML to this file.") var junit: String?
    @Option(help: "Also write the build's errors and warnings as SARIF 2.1.0 to this file.") var sarif: String?
    @Option(name: .customLong("execution-mode"), help: "in_process, server (started when none runs) or auto (default: the build server when one runs).")
    var executionMode: String?

    func validate() throws {
        _ = try timeout?.checked()
        do { _ = try ExecutionMode.chosen(executionMode) } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        if let connection = try ServedRun.connection(executionMode) { return try runServed(connection) }
        var request = BuildRequest(system: system, commandArgs: commandArgs, layout: project.layout,
                                   defaultTimeoutSeconds: try timeout?.checked() ?? BuildRequest.defaultTimeout, mode: mode)
        request.limitLikeRun()
        let token = CancellationToken()
        StopSignals.install(token)
        // One live line on a terminal while the build runs: its elapsed time and log file.
        let live = RunLiveLine.start(command: "\(system.rawValue) \(commandArgs)")
        if let live { request.logCreated = { live.logCreated($0) } }
        let result: BuildResult
        do {
            defer { live?.finish() }
            result = try SingleRun.execute(request, cancellation: token, exports: RunExportPaths(junit: junit, sarif: sarif))
        } catch {
            printError("error: \(OneLine.escape(error.message))")
            throw ExitCode(1)
        }
        if StopSignals.signal != SIGPIPE {
            printOutput(ResultFormatter.format(result.json(includeAccepted: mode == .structured), as: format))
        }
        if let code = StopSignals.exitCode { throw ExitCode(code) }
        if !result.succeeded { throw ExitCode(1) }
    }

    /// The same build through the build server; its result printed as in process.
    private func runServed(_ connection: ServerConnection) throws {
        StopSignals.install(CancellationToken())
        var members: [(String, JSONValue)] = ServedRun.projectMembers(project) + [
            ("system", .string(system.rawValue)), ("args", .string(commandArgs)), ("mode", .string(mode.rawValue)), ("limits", "run"),
        ]
        if let seconds = try timeout?.checked() { members.append(("timeout", .int(seconds))) }
        if let junit { members.append(("junit", .string(junit))) }
        if let sarif { members.append(("sarif", .string(sarif))) }
        guard var result = try ServedRun.follow(.build, request: JSONObject(members), on: connection) else {
            throw ExitCode(StopSignals.exitCode ?? 1)
        }
        result["job"] = nil
        if result["status"] == "error", let code = result["error"]?.stringValue, PlanBuildError.Code(rawValue: code) != nil {
            printError("error: \(OneLine.escape(result["message"]?.stringValue ?? code))")
            throw ExitCode(1)
        }
        if StopSignals.signal != SIGPIPE { printOutput(ResultFormatter.format(result, as: format)) }
        if let code = StopSignals.exitCode { throw ExitCode(code) }
        if result["status"] != "success" && result["status"] != "cached" { throw ExitCode(1) }
    }
}
