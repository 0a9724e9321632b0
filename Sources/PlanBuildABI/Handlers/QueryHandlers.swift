import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildPresentation
import PlanBuildScripts

/// pb_query: questions that change nothing, each a "what" of its own (include/planbuild.h).
enum QueryHandlers {
    static let known = ["wrapper", "patterns", "weighted_timeout", "defaults", "modules", "commands", "module", "graph", "markers",
                        "gradle_project", "check_warnings", "notations", "command_key", "plan_paths", "outer_timeout", "run_result",
                        "issue_summary", "run_config_checks", "log_text", "gradle_layout", "script_options"]

    static func query(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let what = try request.string("what")
        switch what {
        case "wrapper": return try wrapper(request)
        case "patterns": return try patterns(request)
        case "weighted_timeout": return try weightedTimeout(request)
        case "defaults": return defaults()
        case "modules", "commands", "module": return try architecture(what, request)
        case "graph": return try graph(request)
        case "markers": return try ScriptQueryHandlers.markers(request)
        case "gradle_project": return try ScriptQueryHandlers.gradleProject(request)
        case "check_warnings": return try ScriptQueryHandlers.checkWarnings(request)
        case "notations": return ScriptHandlers.notations()
        case "command_key": return try ScriptHandlers.commandKey(request)
        case "plan_paths": return try ScriptHandlers.planPaths(request)
        case "outer_timeout": return try ScriptHandlers.outerTimeout(request)
        case "run_result": return try ScriptHandlers.runResult(request)
        case "issue_summary": return try ScriptHandlers.issueSummary(request)
        case "run_config_checks": return try ScriptHandlers.runConfigChecks(request)
        case "log_text": return try ScriptHandlers.logText(request)
        case "gradle_layout": return try ScriptHandlers.gradleLayout(request)
        case "script_options": return try ScriptHandlers.scriptOptions(request)
        default:
            throw invalid("\"what\" has an unknown value '\(what)'; known: \(known.joined(separator: ", "))")
        }
    }

    /// What pb_execute would run: wrapper, command line, timeout; nothing starts, no log is made.
    private static func wrapper(_ request: Request) throws(PlanBuildError) -> JSONValue {
        var build = BuildRequest(system: try request.system(), commandArgs: try request.words("args") ?? "", layout: try request.layout())
        build.commandKey = try request.optionalString("command_key")
        if let seconds = try request.optionalTimeout("timeout") { build.defaultTimeoutSeconds = seconds }
        var answer = BuildExecutor.plan(build).json(includeAccepted: false)
        // The key `run` learns the timeout under (the build scripts' `run-config-key`).
        if let key = build.commandKey ?? (try? CommandArguments(system: build.system, commandArgs: build.commandArgs))?.commandKey {
            answer["command_key"] = .string(key)
            answer["command_key_text"] = .string(ResultFormatter.commandKeyText(key))
        }
        return .object(answer)
    }

    private static func patterns(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let patterns = try AcceptedWarnings.configured(system: try request.string("system"), layout: try request.layout())
        return Reply.success([("patterns", .array(patterns.map(JSONValue.string)))])
    }

    private static func weightedTimeout(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let seconds = TimeoutPolicy(json: try request.optionalObject("policy").map(JSONValue.object))
            .learnedValue(existing: try request.optionalInt("existing", range: 0...31_536_000),
                          newDuration: try request.int("duration", range: 0...31_536_000))
        return Reply.success([("timeout_seconds", .int(seconds))])
    }

    /// The internal module graph (`planbuild graph`), with its TOON and DOT forms as `text`/`dot`.
    private static func graph(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let graph = ModuleGraph(try ProjectArchitecture.load(try request.layout()))
        return Reply.success(graph.members + [("text", .string(graph.text(.toon))), ("dot", .string(graph.text(.dot)))])
    }

    /// The library's defaults, for shims that must show them (constants of the Python API).
    private static func defaults() -> JSONValue {
        let policy = TimeoutPolicy.standard
        return Reply.success([
            ("timeout_seconds", .int(BuildRequest.defaultTimeout)),
            ("run_max_errors", .int(BuildRequest.runMaximumErrors)),
            ("run_max_warnings", .int(BuildRequest.runMaximumWarnings)),
            ("timeout_policy", .object(JSONObject([("minimum_seconds", .int(policy.minimumSeconds)),
                                                   ("safety_margin", .double(policy.safetyMargin)),
                                                   ("higher_weight", .double(policy.higherWeight))]))),
            ("outer_timeout_margin_seconds", .int(ScriptTimeouts.outerMarginSeconds)),
            ("npx_tools", .array(BuildSystem.npxTools.sorted().map(JSONValue.string))),
            ("killed_message", .string(BuildResult.killedMessage)),
            ("result_fields", .object(JSONObject([("core", .array(ResultFormatter.coreFields.map(JSONValue.string))),
                                                  ("extra", .array(ResultFormatter.extraFields.map(JSONValue.string))),
                                                  ("structured", .array(ResultFormatter.structuredFields.map(JSONValue.string)))]))),
        ])
    }

    private static func architecture(_ what: String, _ request: Request) throws(PlanBuildError) -> JSONValue {
        let layout = try request.layout()
        let answer: ArchitectureQuery.Answer
        switch what {
        case "modules": answer = try ArchitectureQuery.modules(providing: try request.optionalString("command"), in: layout)
        case "commands": answer = try ArchitectureQuery.commands(of: try request.optionalString("module"), in: layout)
        default: answer = try ArchitectureQuery.module(try request.optionalString("module"), in: layout)
        }
        return Reply.success(answer.members + [("text", .string(answer.text))])
    }
}
