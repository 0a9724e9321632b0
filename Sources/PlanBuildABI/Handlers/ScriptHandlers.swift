import PlanBuildSupport
import PlanBuildModel
import PlanBuildParsing
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildPresentation
import PlanBuildScripts
import PlanBuildServer

/// pb_script / pb_script_start: one call of a script (ScriptEntry), and the pb_query questions
/// the Python modules of both generations ask about scripts (include/planbuild.h).
enum ScriptHandlers {
    /// The environment variables a script's answer depends on; others are not passed.
    static let variables = ["PLAN_BASE_DIR", "PLAN_DIR_NAME", "XDG_CONFIG_HOME", "HOME"]

    /// `waiting`: pb_cancel / pb_detach of pb_script_start; a `run` whose execution mode picks the
    /// build server goes there (ServedHandlers.scriptRoute).
    static func script(_ request: Request, waiting: Waiting = .uninterrupted) throws(PlanBuildError) -> JSONValue {
        let cancellation = waiting.token
        let name = try request.string("script")
        guard let script = ScriptName(fileName: name.hasSuffix(".py") ? name : name + ".py") else {
            throw invalid("\"script\" has an unknown value '\(name)'; known: \(ScriptName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var environment: [String: String] = [:]
        for (key, value) in try request.optionalObject("env")?.entries ?? [] where variables.contains(key) {
            guard let text = value.stringValue else { throw invalid("\"env\" must map variable names to strings") }
            environment[key] = text
        }
        let generation = try request.generation()
        let invocation = ScriptInvocation(script: script, generation: generation, arguments: try request.stringList("argv") ?? [],
                                          environment: environment, workingDirectory: try request.optionalString("working_directory") ?? ".")
        let reply = ScriptEntry.run(invocation, cancellation: cancellation, parseOnly: try request.optionalBool("parse_only") ?? false,
                                    served: ServedHandlers.scriptRoute(waiting: waiting))
        var members: [(String, JSONValue)] = [("generation", .string(generation.rawValue)), ("stdout", .string(reply.stdout)),
                                              ("stderr", .string(reply.stderr)), ("exit_code", .int(reply.exitCode))]
        if let data = reply.data { members.append(("data", .object(data))) }
        // A detach that left the build running in the build server cancelled nothing.
        if cancellation?.isCancelled == true, waiting.interruption != .detach || reply.data?["error"] == "cancelled" {
            members.append(("cancelled", true))
        }
        return Reply.success(members)
    }

    /// "notations": the notation table and where each generation keeps its shared modules.
    static func notations() -> JSONValue {
        Reply.success([
            ("notations", .array(ScriptNotations.all.map { notation in
                .object(JSONObject([("notation", .string(notation.notation)), ("bundle", .string(notation.bundle)),
                                    ("skill", .string(notation.skill)), ("script", .string(notation.script.fileName)),
                                    ("generation", .string(notation.generation.rawValue)),
                                    ("system", notation.script.buildSystem.map { .string($0.rawValue) } ?? .null)]))
            })),
            ("module_homes", .array(ScriptNotations.moduleHomes.map { home in
                .object(JSONObject([("bundle", .string(home.bundle)), ("skill", .string(home.skill)),
                                    ("generation", .string(home.generation.rawValue))]))
            })),
            ("build_systems", .array(BuildSystem.allCases.map { .string($0.rawValue) })),
        ])
    }

    /// "command_key": the key a generation learns a build's timeout under.
    static func commandKey(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let system = try request.system()
        let words: [String]
        do {
            words = try ShellWords.split(try request.words("args") ?? "")
        } catch {
            throw PlanBuildError(.invalidValue, "\"args\": \(error)")
        }
        let key = CommandKeyRules.key(system: system, words: words, generation: try request.generation())
        return Reply.success([("command_key", .string(key)), ("key_suffix", .string(String(key.dropFirst(system.rawValue.count + 1)))),
                              ("scope", .string(CommandArguments(system: system, words: words).logScope))])
    }

    /// "plan_paths": where the generation keeps what a module asks for by name.
    static func planPaths(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let layout = try request.layout()
        let state = layout.stateDir ?? layout.planDir
        return Reply.success([("generation", .string(try request.generation().rawValue)), ("project_dir", .string(layout.projectDir)),
                              ("plan_dir", .string(layout.planDir)), ("state_dir", .string(state)),
                              ("run_config", .string(layout.runConfigurationPath)), ("marshal", .string(FileSystem.join(state, "marshal.json"))),
                              ("build_results", .string(layout.buildOutputDir))])
    }

    /// "outer_timeout": what a caller's own timeout (the Bash tool's) must allow for a build of N seconds.
    static func outerTimeout(_ request: Request) throws(PlanBuildError) -> JSONValue {
        Reply.success([("timeout_seconds", .int(ScriptTimeouts.outer(try request.int("timeout", range: 0...TimeoutLimits.maximumSeconds))))])
    }

    /// "run_result": a result the caller's own build produced, finished like a `run` (RunResultFinish).
    static func runResult(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let result = try request.object("result", "the result object of the build")
        var evidence = RunResultFinish.Evidence(outcome: nil, failure: try request.optionalString("evidence_error"))
        if let parsed = try request.optionalObject("evidence") {
            var issues: [Issue] = []
            for (index, element) in (parsed["issues"]?.arrayValue ?? []).enumerated() {
                guard let issue = Issue(json: element) else { throw invalid("evidence.issues[\(index)] must be an object with a string \"message\"") }
                issues.append(issue)
            }
            let status = parsed["build_status"]?.stringValue.flatMap { ParseOutcome.BuildStatus(rawValue: $0.uppercased()) }
            evidence.outcome = ParseOutcome(issues: issues, tests: parsed["tests"].flatMap(TestSummary.init(json:)), buildStatus: status)
        }
        let reply = RunResultFinish.finish(result, evidence: evidence, mode: try request.enumValue("mode") ?? .actionable,
                                           format: try request.enumValue("format") ?? .toon, generation: try request.generation(),
                                           layout: try request.layout(), system: try request.optionalString("system"),
                                           commandArgs: try request.optionalString("command_args"))
        return Reply.success([("stdout", .string(reply.stdout)), ("stderr", .string(reply.stderr)), ("exit_code", .int(reply.exitCode)),
                              ("result", .object(reply.data ?? JSONObject()))])
    }

    /// "script_options": one subcommand's option table (`command`: its words), for a module that
    /// builds an argparse parser over it and hands the words back to pb_script.
    static func scriptOptions(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let name = try request.string("script")
        guard let script = ScriptName(fileName: name.hasSuffix(".py") ? name : name + ".py") else {
            throw invalid("\"script\" has an unknown value '\(name)'; known: \(ScriptName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let path = try request.stringList("command") ?? []
        let generation = try request.generation()
        guard let table = ScriptEntry.options(of: script, generation, command: path) else {
            throw PlanBuildError(.notFound, "\(script.fileName) has no subcommand '\(path.joined(separator: " "))' in the \(generation.rawValue) generation")
        }
        return Reply.success([("generation", .string(generation.rawValue)), ("summary", .string(table.summary)),
                              ("options", .array(table.options.map { .object($0.described) }))])
    }

    /// "gradle_layout": what the files of a Gradle build say, read without running Gradle.
    static func gradleLayout(_ request: Request) throws(PlanBuildError) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let root = try request.optionalString("root") {
            members.append(("settings_file", GradleProjectFinder.settingsFile(in: root).map(JSONValue.string) ?? .null))
            members.append(("build_files", .array(GradleProjectFinder.buildFiles(under: root).map(JSONValue.string))))
            if let folder = try request.optionalString("folder") {
                members.append(("notation", GradleProjectFinder.notation(root: root, folder: folder).map(JSONValue.string) ?? .null))
            }
        }
        if let settings = try request.optionalString("settings_file") {
            let text: String
            do {
                text = try FileSystem.readText(settings)
            } catch {
                throw PlanBuildError(error.kind == .notFound ? .notFound : .unreadable, "\(error)")
            }
            members.append(("included_projects", .array(GradleProjectFinder.includedProjects(text).map(JSONValue.string))))
            members.append(("root_project_name", GradleProjectFinder.rootProjectName(text).map(JSONValue.string) ?? .null))
        }
        return Reply.success(members)
    }

    /// "issue_summary": counts of issues by category with the totals (today's parse summary).
    static func issueSummary(_ request: Request) throws(PlanBuildError) -> JSONValue {
        var issues: [Issue] = []
        for (index, element) in try request.array("issues").enumerated() {
            guard let issue = Issue(json: element) else { throw invalid("issues[\(index)] must be an object with a string \"message\"") }
            issues.append(issue)
        }
        return Reply.success([("summary", .object(CategorySummary.counts(issues)))])
    }

    /// "run_config_checks": validate's checks of a document given as JSON.
    static func runConfigChecks(_ request: Request) throws(PlanBuildError) -> JSONValue {
        Reply.success([("checks", .array(RunConfigInit.checks(try request.object("document", "the run configuration to check"))))])
    }

    /// "log_text": a log as the parsers read it — ANSI escapes and CI prefixes removed.
    static func logText(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let text: String
        if let path = try request.optionalString("log_file") {
            text = try LogText.read(path)
        } else {
            text = LogText.clean(try request.string("text"))
        }
        var members: [(String, JSONValue)] = [("text", .string(text))]
        if try request.optionalBool("pytest") == true { members.append(("pytest", .bool(LogText.showsPytest(text)))) }
        return Reply.success(members)
    }
}
