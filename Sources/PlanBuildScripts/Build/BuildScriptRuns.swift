import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildOrchestration
import PlanBuildPresentation

/// The build scripts' `run` inside an orchestration: a planned build's `… execute-script.py
/// <notation> run …` is read with the scripts' notation table and their one option table
/// (BuildRunOptions), exactly as the script would read it, and runs through the single run the
/// script's `run` takes — without the single-run cache, as the orchestration keeps its own.
public struct BuildScriptRuns: ScriptRuns {
    public init() {}

    public func engineBuild(_ words: [String]) -> BuildInvocation.EngineBuild? {
        guard let scriptIndex = words.firstIndex(where: { $0.hasSuffix("execute-script.py") }),
              scriptIndex + 2 < words.count,
              let notation = ScriptNotations.named(words[scriptIndex + 1]),
              let system = notation.script.buildSystem,
              words[scriptIndex + 2] == "run",
              // A command line the script would refuse runs as the process it names, which reports it.
              let values = try? BuildRunOptions.parse(Array(words[(scriptIndex + 3)...]), .script(notation.generation)) else {
            return nil
        }
        var build = BuildInvocation.EngineBuild(system: system, commandArgs: values.commandArgs, mode: values.mode)
        build.workingDirectory = values.workingDirectory
        build.environment = values.environment
        build.exports = values.exports
        return build
    }

    public func run(_ request: BuildRequest, exports: RunExportPaths, cancellation: CancellationToken) throws(PlanBuildError) -> BuildResult {
        try SingleRun.execute(request, cancellation: cancellation, exports: exports, cached: false)
    }
}
