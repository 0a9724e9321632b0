import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution

/// PlanBuild's own build scripts as an orchestration meets them. Which notations name a build
/// script's `run`, how that `run` reads its options (the scripts' one option table) and the single
/// run that also writes a build's JUnit / SARIF are the scripts' own rules, in a layer above this
/// one (PlanBuildScripts' BuildScriptRuns): an orchestration is handed them.
public protocol ScriptRuns: Sendable {
    /// The build the words of a command line ask a build script's `run` for; nil for any other
    /// command line, one the script would refuse included (it runs as the process it names, which
    /// reports it).
    func engineBuild(_ words: [String]) -> BuildInvocation.EngineBuild?
    /// Runs one as the script's `run` would, with its exports, but never through the single-run
    /// cache: an orchestration has a cache of its own.
    func run(_ request: BuildRequest, exports: RunExportPaths, cancellation: CancellationToken) throws(PlanBuildError) -> BuildResult
}
