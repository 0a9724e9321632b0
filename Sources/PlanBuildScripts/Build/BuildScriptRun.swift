import PlanBuildSupport
import PlanBuildModel
import PlanBuildPresentation

/// `run` of a build script: the build, its result printed in the generation's form, the exit code
/// by the generation's rule. The contract's scripts exit 1 unless the build succeeded; today's
/// release exits 0 whenever the build ran (the status is in the output) and 1 when it could not.
enum BuildScriptRun {
    static func run(_ parsed: ScriptValues, system: BuildSystem, call: ScriptCall, usage: String) -> ScriptReply {
        let values: BuildRunOptions.Values
        do {
            values = try BuildRunOptions.values(parsed)
        } catch {
            return .usage(usage, prog: call.prog, error)
        }
        if let refusal = call.exclusiveRouting(parsed) { return refusal }
        let planId: String?
        switch call.planId(parsed) {
        case .success(let id): planId = id
        case .failure(let error): return call.failure(error.code.rawValue, error.message, format: parsed.string("format"))
        }
        // Today's `run` files every build under a plan: NO_PLAN when it names none.
        let plan = planId ?? (call.generation == .today ? ScriptPlace.noPlan : nil)
        var request = BuildRunOptions.request(values, system: system, layout: call.layout(projectDir: values.projectDir, planId: plan))
        if call.generation == .today, let words = try? ShellWords.split(values.commandArgs) {
            request.commandKey = CommandKeyRules.key(system: system, words: words, generation: .today)
        }
        var json: JSONObject
        do {
            if let served = try call.served?(request, values.exports, values.executionMode) {
                json = served
            } else {
                json = try SingleRun.execute(request, cancellation: call.cancellation, exports: values.exports)
                    .json(includeAccepted: request.mode == .structured)
            }
        } catch {
            return ScriptReply(stderr: "error: \(OneLine.escape(error.message))\n", exitCode: 1)
        }
        let population = GreenRunPopulation.publish(&json, commandArgs: values.commandArgs, generation: call.generation)
        let code = exitCode(status: json["status"]?.stringValue ?? "error", toolExitCode: json["exit_code"]?.intValue ?? -1, call.generation)
        var reply = ScriptReply.printed(ResultText.format(json, call.generation, as: values.format),
                                        exitCode: code, stderr: ResultFormatter.runNotice(json) + population)
        reply.data = json
        return reply
    }

    /// Which results a run's exit code reports as failed. Today's: only an error whose tool never
    /// ran to an exit code (-1: not started, no wrapper, no log file, cancelled); a failed build,
    /// a timeout, a kill are all modeled in the output.
    static func exitCode(status: String, toolExitCode: Int, _ generation: ScriptGeneration) -> Int {
        switch generation {
        case .spec: return status == "success" || status == "cached" ? 0 : 1
        case .today: return status == "error" && toolExitCode < 0 ? 1 : 0
        }
    }
}
