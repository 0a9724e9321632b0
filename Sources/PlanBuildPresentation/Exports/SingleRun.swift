import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildCache
import PlanBuildOrchestration

/// One build as the build scripts' `run`, `planbuild run` and pb_execute ask for it: answered by
/// the build cache when it is enabled, else run (SingleRunCache), and its JUnit / SARIF exports
/// written. The exports list every issue; the result keeps the caps the request asked for (`run`
/// shows 20 errors and 10 warnings).
public enum SingleRun {
    /// `cached` false: never through the single-run cache — a build script's `run` inside an
    /// orchestration, which has a cache of its own.
    public static func execute(_ request: BuildRequest, cancellation: CancellationToken? = nil,
                               exports: RunExportPaths = RunExportPaths(), cached: Bool = true) throws(PlanBuildError) -> BuildResult {
        func run(_ build: BuildRequest) -> BuildResult {
            cached ? SingleRunCache.execute(build, cancellation: cancellation) : BuildExecutor.execute(build, cancellation: cancellation)
        }
        guard !exports.isEmpty else { return run(request) }
        // Opened first: an export that cannot be written is refused before the build runs.
        let exporter = try RunExports(exports, projectRoot: request.layout.projectDir)
        var uncapped = request
        uncapped.maximumErrors = nil
        uncapped.maximumWarnings = nil
        var result = run(uncapped)
        try exporter.finish(RunReport(singleBuild: result, request: request))
        result.capIssues(errors: request.maximumErrors, warnings: request.maximumWarnings)
        return result
    }
}
