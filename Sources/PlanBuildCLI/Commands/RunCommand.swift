import ArgumentParser
import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildPresentation

extension BuildSystem: ExpressibleByArgument {}
extension WarningMode: ExpressibleByArgument {}
extension ResultFormatter.Format: ExpressibleByArgument {}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run one build and print its result (as the maven/gradle/npm scripts do).")

    @OptionGroup var project: ProjectOptions
    @Option(help: "maven, gradle or npm") var system: BuildSystem
    @Option(name: .customLong("args"), help: "The tool's arguments, e.g. \"verify -pl core\".") var commandArgs: String
    @Option(help: "Seconds to start from when nothing was learned yet (default 300; a year at most).")
    var timeout: TimeoutOption?
    @Option(help: "actionable, structured or errors") var mode: WarningMode = .actionable
    @Option(help: "toon or json") var format: ResultFormatter.Format = .toon
    @Option(help: "Also write the build as JUnit XML to this file.") var junit: String?
    @Option(help: "Also write the build's errors and warnings as SARIF 2.1.0 to this file.") var sarif: String?

    func validate() throws { _ = try timeout?.checked() }

    func run() throws {
        var request = BuildRequest(system: system, commandArgs: commandArgs, layout: project.layout,
                                   defaultTimeoutSeconds: try timeout?.checked() ?? BuildRequest.defaultTimeout, mode: mode)
        request.limitLikeRun()
        let token = CancellationToken()
        StopSignals.install(token)
        let result: BuildResult
        do {
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
}
