import ArgumentParser
import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildPresentation
import PlanBuildScripts
import PlanBuildABI
import PlanBuildServer

extension BuildSystem: ExpressibleByArgument {}
extension WarningMode: ExpressibleByArgument {}
extension ResultFormatter.Format: ExpressibleByArgument {}

/// `planbuild run`: its options are the build scripts' `run` options (BuildRunOptions, the one
/// table the scripts and orchestrated builds read), plus `--system`.
struct RunCommand: ParsableCommand {
    static let command = BuildRunOptions.command(.cli, tool: "")

    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one build and print its result (as the maven/gradle/npm/pyproject scripts do).",
        discussion: command.help(prog: "planbuild").split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("options:") }.dropFirst(2).joined(separator: "\n"))

    @Argument(parsing: .captureForPassthrough, help: "The options below.") var words: [String] = []

    func run() throws {
        if words.contains("-h") || words.contains("--help") {
            printOutput(Self.command.help(prog: "planbuild"))
            return
        }
        let parsed: ScriptValues
        let values: BuildRunOptions.Values
        do {
            parsed = try ScriptArgumentParser.parse(words, Self.command)
            values = try BuildRunOptions.values(parsed)
        } catch {
            throw ValidationError(error.message)
        }
        guard let system = parsed.string("system").flatMap(BuildSystem.init(name:)) else { throw ValidationError("--system is required") }
        let layout = ProjectOptions.layout(projectDir: values.projectDir)
        try ProjectOptions.requireExisting(layout)
        var request = BuildRunOptions.request(values, system: system, layout: layout)
        if let connection = try ServedRun.connection(values.executionMode) {
            return try runServed(connection, request: request, values: values)
        }
        let token = CancellationToken()
        StopSignals.install(token)
        // One live line on a terminal while the build runs: its elapsed time and log file.
        let live = RunLiveLine.start(command: "\(system.rawValue) \(request.commandArgs)")
        if let live { request.logCreated = { live.logCreated($0) } }
        let result: BuildResult
        do {
            defer { live?.finish() }
            result = try SingleRun.execute(request, cancellation: token, exports: values.exports)
        } catch {
            printError("error: \(OneLine.escape(error.message))")
            throw ExitCode(1)
        }
        if StopSignals.signal != SIGPIPE {
            printOutput(ResultFormatter.format(result.json(includeAccepted: request.mode == .structured), as: values.format))
        }
        if let code = StopSignals.exitCode { throw ExitCode(code) }
        if !result.succeeded { throw ExitCode(1) }
    }

    /// The same build through the build server (the request pb_execute would send); its result
    /// printed as in process.
    private func runServed(_ connection: ServerConnection, request: BuildRequest, values: BuildRunOptions.Values) throws {
        StopSignals.install(CancellationToken())
        let members = ExecuteRequest.members(request, exports: values.exports)
        guard var result = try ServedRun.follow(.build, request: members, on: connection) else {
            throw ExitCode(StopSignals.exitCode ?? 1)
        }
        result["job"] = nil
        if let failure = ExecuteRequest.failure(of: result) {
            printError("error: \(OneLine.escape(failure.message))")
            throw ExitCode(1)
        }
        if StopSignals.signal != SIGPIPE { printOutput(ResultFormatter.format(result, as: values.format)) }
        if let code = StopSignals.exitCode { throw ExitCode(code) }
        if result["status"] != "success" && result["status"] != "cached" { throw ExitCode(1) }
    }
}
