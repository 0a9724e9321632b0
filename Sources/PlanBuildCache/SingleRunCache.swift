/// The build cache for a single `run` (the maven/gradle/npm scripts, `planbuild run`, pb_execute),
/// consulted only when run-configuration.json has `"incremental": {"enabled": true}`: the
/// drop-in default stays the reference behaviour of always building.
///
/// The build is keyed by its module (the routing of the args: `-pl core`, `:core:test`,
/// `--workspace=core`; the root module without one) and its command key, and its command line is
/// the system and args as given, so a run and an orchestration never share a record.
enum SingleRunCache {
    /// The cache's view of this run, or nil when it does not apply (not enabled, no
    /// derived-data.json, a module the architecture does not know, no digest plugin).
    static func prepare(_ request: BuildRequest, arguments: CommandArguments, key: String) -> IncrementalRun? {
        let settings = IncrementalSettings.load(request.layout)
        guard settings.enabled, let architecture = try? ProjectArchitecture.load(request.layout),
              let name = arguments.module ?? architecture.rootModule?.name,
              let module = architecture.module(named: name) else { return nil }
        var commandLine = "\(request.system.rawValue) \(request.commandArgs)"
        if let directory = request.workingDirectory { commandLine += " @\(directory)" }
        let build = PlannedBuild(module: module.name, command: key, commandLine: commandLine, dependencies: module.dependencies)
        return try? IncrementalRun(plan: OrchestrationPlan(builds: [build]), architecture: architecture,
                                   layout: request.layout, settings: settings, request: IncrementalRun.Request())
    }

    /// What a hit returns instead of running: status `cached` with the recorded log and tests.
    static func result(_ record: CacheRecord, command: String, launcher: Launcher) -> BuildResult {
        var result = BuildResult(status: .cached, exitCode: 0, durationSeconds: 0, logFile: record.logFile ?? "", command: command)
        launcher.describe(into: &result)
        result.tests = record.tests
        result.timeSavedSeconds = record.durationSeconds
        return result
    }
}
