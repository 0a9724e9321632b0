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
        var request = BuildRunOptions.request(values, system: system, layout: call.layout(projectDir: values.projectDir, planId: planId))
        if call.generation == .today, let words = try? ShellWords.split(values.commandArgs) {
            request.commandKey = CommandKeyRules.key(system: system, words: words, generation: .today)
        }
        let result: BuildResult
        do {
            result = try BuildExecutor.execute(request, cancellation: call.cancellation, exports: values.exports)
        } catch {
            return ScriptReply(stderr: "error: \(OneLine.escape(error.message))\n", exitCode: 1)
        }
        let json = result.json(includeAccepted: request.mode == .structured)
        var reply = ScriptReply.printed(ResultText.format(json, call.generation, as: values.format),
                                        exitCode: exitCode(result, call.generation), stderr: ResultFormatter.runNotice(json))
        reply.data = json
        return reply
    }

    /// Which results a run's exit code reports as failed.
    static func exitCode(_ result: BuildResult, _ generation: ScriptGeneration) -> Int {
        switch generation {
        case .spec:
            return result.succeeded ? 0 : 1
        case .today:
            // The build could not run at all: no log to read, nothing the output can model.
            let unstarted = [BuildResult.ErrorKind.executionFailed, BuildResult.ErrorKind.wrapperNotFound,
                             BuildResult.ErrorKind.logFileFailed, "cancelled"]
            return result.status == .error && unstarted.contains(result.error ?? "") ? 1 : 0
        }
    }
}
