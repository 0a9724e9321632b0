import ArgumentParser
import PlanBuildSupport
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildCache
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildScripts
import PlanBuildServer

struct OrchestrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrate",
        abstract: "Run a canonical command over many modules, in parallel or in sequence, with live progress.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "Canonical command: verify, module-tests, …") var command: String
    @Option(name: .customLong("module"), help: "A module to build (repeatable; default: every module that has the command).")
    var modules: [String] = []
    @Option(parsing: .unconditional, help: "Builds at once (default: the number of CPUs; 0: unlimited).") var jobs: Int?
    @Flag(help: "One build at a time.") var sequential = false
    @Flag(name: .customLong("stop-on-failure"), help: "Start nothing new after the first failure.") var stopOnFailure = false
    @Option(parsing: .unconditional, help: "Timeout of each build in seconds (default: learned; a year at most).") var timeout: TimeoutOption?
    @Option(help: "toon or json: the full report on standard output (default: a short summary on a terminal, else toon).")
    var format: ResultFormatter.Format?
    @Option(help: "actionable, structured or errors") var mode: WarningMode = .actionable
    @Flag(name: .customLong("no-cache"), help: "Ignore the build cache: run every build (nothing is taken from or added to it).")
    var noCache = false
    @Option(name: .customLong("force"), help: "Rebuild this module even when cached (repeatable); its dependents follow.")
    var forced: [String] = []
    @Option(name: .customLong("remote-cache"), help: "A shared build cache to read from (bazel-remote or nginx WebDAV URL, or grpc://HOST:PORT of a REAPI server); overrides incremental.remote.url and PLANBUILD_REMOTE_CACHE.")
    var remoteCache: String?
    @Flag(name: .customLong("remote-cache-write"), help: "Upload successful builds to the remote cache (the usual set-up: CI writes, laptops read).")
    var remoteCacheWrite = false
    @Option(name: .customLong("remote-execution"), help: "Run each build on a Remote Execution API cluster (grpc://HOST:PORT: BuildGrid, Buildbarn, …); overrides incremental.remote_execution.url. A build the cluster cannot take runs here.")
    var remoteExecution: String?
    @Option(name: .customLong("instance"), help: "The remote execution server's instance name (default: its default instance).")
    var instance: String?
    @Option(help: "Write every progress event as JSON Lines to this file (- for standard error), as it happens.")
    var events: String?
    @Option(help: "Write the run as Chrome trace-event JSON (Perfetto, chrome://tracing) to this file.") var trace: String?
    @Option(help: "Write the run as JUnit XML to this file.") var junit: String?
    @Option(help: "Write the run's errors and warnings as SARIF 2.1.0 to this file.") var sarif: String?
    @Option(name: .customLong("execution-mode"), help: "in_process, server (started when none runs) or auto (default: the build server when one runs).")
    var executionMode: String?
    @Flag(name: .customLong("dry-run"), help: "Print what would run, be taken from the cache or be skipped, and why; run nothing.")
    var dryRun = false
    @OptionGroup var affected: AffectedOptions

    func validate() throws {
        // The core decides which option combinations are valid; here they become usage errors.
        do {
            try OrchestrationOptions.validate(jobs: jobs, sequential: sequential)
            try RemoteExecutionSettings.validate(url: remoteExecution, instance: instance)
        } catch { throw ValidationError(error.message) }
        _ = try timeout?.checked()
        do { _ = try ExecutionMode.chosen(executionMode) } catch { throw ValidationError(error.message) }
        _ = try affected.request()
    }

    func run() throws {
        if let connection = try ServedRun.connection(executionMode) { return try runServed(connection) }
        if dryRun { return try printDryRun() }
        let token = CancellationToken()
        StopSignals.install(token)
        // A build script's `run` in the plan runs in this process, read as the script would read it.
        var options = OrchestrationOptions(scripts: BuildScriptRuns(), jobs: jobs, sequential: sequential,
                                           stopOnFailure: stopOnFailure, timeoutSeconds: try timeout?.checked(),
                                           modules: modules, mode: mode)
        options.cache = IncrementalRun.Request(disabled: noCache, forced: Set(forced), remoteURL: remoteCache,
                                               remoteWrite: remoteCacheWrite)
        options.affected = try affected.request()
        options.remoteExecutionURL = remoteExecution
        options.remoteInstance = instance
        // Progress goes to standard error, so `orchestrate … > report.txt` still shows it live.
        // `--events -` makes standard error the event stream: nothing else is written there.
        let display = events == "-" ? nil : chosenDisplay()
        // Whatever ends the run (an error included), the terminal is left as it was found.
        defer { display?.finish() }
        do {
            let exports = try RunExports(RunExportPaths(events: events, trace: trace, junit: junit, sarif: sarif),
                                         projectRoot: project.layout.projectDir)
            let report = try Orchestrator.run(command: command, options: options, layout: project.layout,
                                              cancellation: token) { event in
                exports.observe(event)
                display?.show(event)
            }
            display?.finish()
            var exportFailure: PlanBuildError?
            do throws(PlanBuildError) { try exports.finish(report) } catch { exportFailure = error }
            // A closed pipe stops without more output; any other stop signal prints the report so far.
            if StopSignals.signal != SIGPIPE { printOutput(Self.output(report, format: format, project: project)) }
            if let exportFailure { throw exportFailure }
            if let code = StopSignals.exitCode { throw ExitCode(code) }
            if token.isCancelled { throw ExitCode(130) }
            if report.status != .success { throw ExitCode(1) }
        } catch let error as PlanBuildError {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }

    /// What standard output gets: a person at a terminal the short summary (RunReport.summary),
    /// anything else — a pipe, a file, `--format` asked for — the full report.
    static func output(_ report: RunReport, format: ResultFormatter.Format?, project: ProjectOptions) -> String {
        guard format == nil, isatty(1) == 1 else { return report.text(format ?? .toon) }
        let color = DisplayMode.choose(terminal: true, environment: DisplayEnvironment.current) == .live
        let columns = TerminalSize.columns(descriptor: 1) - 1
        return report.summary(logFolder: report.logFolder(relativeTo: FileSystem.currentDirectory()))
            .map { $0.rendered(width: columns, color: color) }.joined(separator: "\n")
    }

    /// The same run through the build server: its events drawn here, its report printed as in process.
    private func runServed(_ connection: ServerConnection) throws {
        var served = ServedOrchestration(projectDir: project.projectDir, command: command)
        served.modules = modules
        served.jobs = jobs
        served.sequential = sequential
        served.stopOnFailure = stopOnFailure
        served.timeoutSeconds = try timeout?.checked()
        served.format = format
        served.mode = mode
        served.noCache = noCache
        served.forced = forced
        served.remoteCache = remoteCache
        served.remoteCacheWrite = remoteCacheWrite
        served.remoteExecution = remoteExecution
        served.remoteInstance = instance
        served.exports = RunExportPaths(events: events, trace: trace, junit: junit, sarif: sarif)
        served.affectedMembers = affected.members
        served.dryRun = dryRun
        try served.run(on: connection)
    }
}
