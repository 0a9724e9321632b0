import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildPresentation

/// The end of a `run` whose build a caller ran itself (Python's `_build_shared.cmd_run_common`
/// with its own parser): its result settled against the parser's evidence (TruthfulStatus), the
/// log's errors, filtered warnings and tests attached when it did not succeed, printed and given
/// the exit code the generation's `run` would.
public enum RunResultFinish {
    public struct Evidence: Sendable {
        public var outcome: ParseOutcome?
        /// Why the parser gave none (it raised): said on stderr, the result stays as it was.
        public var failure: String?

        public init(outcome: ParseOutcome?, failure: String?) {
            self.outcome = outcome
            self.failure = failure
        }
    }

    /// `commandArgs`: the run's `--command-args`, what today's green result says it examined.
    public static func finish(_ given: JSONObject, evidence: Evidence, mode: WarningMode, format: ResultFormatter.Format,
                              generation: ScriptGeneration, layout: ProjectLayout, system: String?, commandArgs: String? = nil) -> ScriptReply {
        var result = given
        var notes = ""
        // A caller's own words for a failed build ("Build failed") become the error kind, the
        // words its message.
        let kinds = [BuildResult.ErrorKind.buildFailed, BuildResult.ErrorKind.timeout, BuildResult.ErrorKind.executionFailed,
                     BuildResult.ErrorKind.wrapperNotFound, BuildResult.ErrorKind.logFileFailed, BuildResult.ErrorKind.killed,
                     BuildResult.ErrorKind.indeterminate, "cancelled"]
        if result["status"]?.stringValue == "error", (result["exit_code"]?.intValue ?? 0) > 0,
           let text = result["error"]?.stringValue, !kinds.contains(text) {
            if result["message"] == nil { result["message"] = .string(text) }
            result["error"] = .string(BuildResult.ErrorKind.buildFailed)
        }
        if let outcome = evidence.outcome {
            result = TruthfulStatus.settle(result, evidence: outcome)
            let status = result["status"]?.stringValue
            if status != "success" && status != "cached" {
                let configured = system.flatMap { try? AcceptedWarnings.configured(system: $0, layout: layout) }
                let patterns = WarningPatterns(configured ?? [])
                let errors = Array(outcome.errors.prefix(BuildRequest.runMaximumErrors))
                let warnings = Array(WarningMode.filter(outcome.warnings, patterns: patterns, mode: mode).prefix(BuildRequest.runMaximumWarnings))
                result["errors"] = .array(errors.map { $0.rowJSON(includeAccepted: false) })
                result["warnings"] = .array(warnings.map { $0.rowJSON(includeAccepted: mode == .structured) })
                if status != "timeout", let tests = outcome.tests { result["tests"] = tests.json }
            }
        } else if let failure = evidence.failure {
            let what = result["status"]?.stringValue == "timeout" ? "Timeout evidence" : "Log"
            notes = "[WARNING] \(what) parse failed: \(OneLine.escape(failure))\n"
        }
        notes += GreenRunPopulation.publish(&result, commandArgs: commandArgs, generation: generation)
        let text = ResultText.format(result, generation, as: format)
        let exit = BuildScriptRun.exitCode(status: result["status"]?.stringValue ?? "error", toolExitCode: result["exit_code"]?.intValue ?? -1, generation)
        return ScriptReply(stdout: text.isEmpty || text.hasSuffix("\n") ? text : text + "\n",
                           stderr: ResultFormatter.runNotice(result) + notes, exitCode: exit, data: result)
    }
}
