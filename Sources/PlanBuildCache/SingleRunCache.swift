import PlanBuildModel
import PlanBuildExecution

/// The build cache for a single `run` (the maven/gradle/npm scripts, `planbuild run`, pb_execute),
/// consulted only when run-configuration.json has `"incremental": {"enabled": true}`: the
/// drop-in default stays the reference behaviour of always building.
///
/// The build is keyed by its module (the routing of the args: `-pl core`, `:core:test`,
/// `--workspace=core`; the root module without one) and its command key, and its command line is
/// the system and args as given, so a run and an orchestration never share a record.
///
/// It wraps BuildExecutor, which knows nothing of the cache: an orchestration, which keeps a cache
/// of its own, runs each build through BuildExecutor directly.
package enum SingleRunCache {
    /// One build through the cache: a hit answers with the recorded build (status `cached`) and
    /// runs nothing; otherwise BuildExecutor runs it, and a success is recorded.
    package static func execute(_ request: BuildRequest, cancellation: CancellationToken? = nil) -> BuildResult {
        guard !request.dryRun, let arguments = try? CommandArguments(system: request.system, commandArgs: request.commandArgs),
              let cache = prepare(request, arguments: arguments, key: request.commandKey ?? arguments.commandKey) else {
            return BuildExecutor.execute(request, cancellation: cancellation)
        }
        if case .hit(let record) = cache.decisions[0] {
            // A hit names what would have run (wrapper, command line); a build that could not
            // start at all (no wrapper, an unreadable run-configuration.json) is no hit.
            let planned = BuildExecutor.plan(request)
            guard planned.status == .success else { return planned }
            return result(record, planned: planned)
        }
        var gated = request
        gated.inputDigest = cache.inputDigest(at: 0)
        let result = BuildExecutor.execute(gated, cancellation: cancellation)
        if result.status == .success {
            _ = cache.recordSuccess(index: 0, durationMilliseconds: result.durationMilliseconds, tests: result.tests,
                                    warnings: result.warnings?.count ?? 0, logFile: result.logFile)
        }
        return result
    }

    /// The cache's view of this run, or nil when it does not apply (not enabled, no
    /// derived-data.json, a module the architecture does not know, no libnettle for SHA-256).
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

    /// What a hit returns instead of running: status `cached` with the recorded log and tests, and
    /// the command, wrapper and command type of the build it stands for.
    static func result(_ record: CacheRecord, planned: BuildResult) -> BuildResult {
        var result = BuildResult(status: .cached, exitCode: 0, durationSeconds: 0, logFile: record.logFile ?? "",
                                 command: planned.command, wrapper: planned.wrapper, commandType: planned.commandType)
        result.tests = record.tests
        result.timeSavedSeconds = record.durationSeconds
        return result
    }
}
