import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildOrchestration
import PlanBuildPresentation

/// Runs a script's build somewhere other than this process — the library hands in the build
/// server's route (the core knows no server): the build, its exports and the `--execution-mode`
/// typed (nil: none) in; the build's result as pb_execute replies it out, or nil to run it here.
public typealias ServedBuildRoute = @Sendable (_ build: BuildRequest, _ exports: RunExportPaths,
                                               _ executionMode: String?) throws(PlanBuildError) -> JSONObject?

/// One call of a script being answered: the invocation, and what the answer may use.
struct ScriptCall {
    let invocation: ScriptInvocation
    let cancellation: CancellationToken?
    /// Where a `run` may send its build instead of running it here; nil: always here.
    var served: ServedBuildRoute? = nil

    var generation: ScriptGeneration { invocation.generation }
    var prog: String { invocation.prog }

    /// The project (and, today, plan state) a subcommand works on.
    func layout(projectDir: String? = nil, planId: String? = nil) -> ProjectLayout {
        ScriptPlace.layout(generation, projectDirOption: projectDir.map(invocation.resolved),
                           planBaseDir: invocation.variable("PLAN_BASE_DIR").map(invocation.resolved),
                           given: invocation.workingDirectory, planDirName: invocation.variable("PLAN_DIR_NAME"), planId: planId)
    }

    /// A structured answer as the generation prints it: today's TOON unless `--format json`;
    /// the contract's build-script answers are JSON.
    func emit(_ object: JSONObject, format: String?, exitCode: Int = 0, stderr: String = "") -> ScriptReply {
        let text: String
        switch (generation, format) {
        case (.today, "json"?), (.spec, nil), (.spec, "json"?): text = JSONWriter.write(.object(object), indent: 2)
        case (.today, _), (.spec, _): text = ToonText.document(object)
        }
        var reply = ScriptReply.printed(text, exitCode: exitCode, stderr: stderr)
        reply.data = object
        return reply
    }

    /// A refusal with its reason: `status: error`, `error`, `message` on stdout (the generation's
    /// form), the message on stderr.
    func failure(_ code: String, _ message: String, format: String? = nil, exitCode: Int = 1) -> ScriptReply {
        var object = JSONObject([("status", "error"), ("error", .string(code)), ("message", .string(message))])
        if generation == .spec { object = JSONObject([("status", "error"), ("success", false), ("error", .string(message))]) }
        return emit(object, format: format, exitCode: exitCode, stderr: "error: \(OneLine.escape(message))\n")
    }

    /// Today's scripts take a plan (`--plan-id`) or a folder (`--project-dir`), never both.
    func exclusiveRouting(_ values: ScriptValues) -> ScriptReply? {
        guard generation == .today, values.has("plan_id"), values.has("project_dir") else { return nil }
        return failure("mutually_exclusive_args", "--plan-id and --project-dir name the same thing: give one of them",
                       format: values.string("format"), exitCode: 2)
    }

    /// The checked `--plan-id`, or a refusal.
    func planId(_ values: ScriptValues) -> Result<String?, PlanBuildError> {
        guard let id = values.string("plan_id") else { return .success(nil) }
        do {
            return .success(try ScriptPlace.checkedPlanId(id))
        } catch {
            return .failure(error)
        }
    }
}
