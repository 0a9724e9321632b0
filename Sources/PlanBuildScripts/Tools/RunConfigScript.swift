import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildPresentation

/// run_config.py: learned timeouts, accepted warnings, profile mappings, extension defaults,
/// plan-state cleanup, the build queue limit and architecture-refresh settings.
///
/// Every subcommand answers with an object (`status` first; what Python's `cmd_*` handlers
/// return as a dict). How it is printed is the generation's: the contract's run_config prints
/// JSON (`success: true`), `timeout set` tab-separated TOON; today's prints `key: value` TOON.
/// Both print `timeout get` as the bare number of seconds.
enum RunConfigScript {
    static func definition(_ generation: ScriptGeneration) -> ScriptDefinition {
        ScriptDefinition(group: ScriptCommandGroup(description: "Run configuration of a project (PlanBuild)", commands: commands)) { command, values, call in
            render(command.path, answer(command.path, values, call: call), values: values, call: call)
        }
    }

    // MARK: the commands

    private static func option(_ flag: String, _ dest: String, _ help: String, _ kind: ScriptOption.Kind = .text, required: Bool = false) -> ScriptOption {
        ScriptOption([flag], dest: dest, kind, metavar: dest.uppercased(), help: help, required: required)
    }

    static let commands: [ScriptCommand] = {
        let command = option("--command", "command", "The command key (maven:verify, ci:pr_checks, …).", required: true)
        let system = option("--build-system", "build_system", "maven (default), gradle or npm.")
        let category = option("--category", "category", "transitive_dependency, plugin_compatibility or platform_specific.")
        let pattern = option("--pattern", "pattern", "The warning text to accept (^… is a regular expression).", required: true)
        var requiredCategory = category
        requiredCategory.required = true
        let profile = option("--profile-id", "profile_id", "The profile.", required: true)
        let key = option("--key", "key", "The extension default's key.", required: true)
        let value = option("--value", "value_text", "The value (JSON when it parses, else text).", required: true)
        let tierValue = option("--value", "value", "The new setting.", required: true)
        return [
            ScriptCommand(["init"], summary: "Create run-configuration.json.", options: [option("--force", "force", "Replace an existing file.", .flag)]),
            ScriptCommand(["validate"], summary: "Check a run configuration's shape.", options: [option("--file", "file", "The file (default: the project's).")]),
            ScriptCommand(["timeout", "get"], summary: "The timeout to apply to a command.",
                          options: [command, option("--default", "default", "Seconds when nothing was learned.", .integer, required: true),
                                    option("--explicit", "explicit", "A timeout the caller set: it replaces the learned one.", .integer)]),
            ScriptCommand(["timeout", "set"], summary: "Learn a command's duration.",
                          options: [command, option("--duration", "duration", "Seconds it took.", .integer, required: true)]),
            ScriptCommand(["timeout", "measured"], summary: "What was learned for a command, if anything.", options: [command]),
            ScriptCommand(["warning", "add"], summary: "Accept a warning pattern.", options: [requiredCategory, pattern, system]),
            ScriptCommand(["warning", "list"], summary: "The accepted warning patterns.", options: [category, system]),
            ScriptCommand(["warning", "remove"], summary: "Stop accepting a warning pattern.", options: [requiredCategory, pattern, system]),
            ScriptCommand(["profile-mapping", "set"], summary: "Map a profile to a canonical command.",
                          options: [profile, option("--canonical", "canonical", "The canonical command.", required: true)]),
            ScriptCommand(["profile-mapping", "get"], summary: "A profile's canonical command.", options: [profile]),
            ScriptCommand(["profile-mapping", "list"], summary: "Every profile mapping.", options: [option("--canonical", "canonical", "Only this canonical command.")]),
            ScriptCommand(["profile-mapping", "remove"], summary: "Remove a profile mapping.", options: [profile]),
            ScriptCommand(["profile-mapping", "batch-set"], summary: "Set many mappings from a JSON object.",
                          options: [option("--mappings-json", "mappings", "JSON object profile → canonical.", required: true)]),
            ScriptCommand(["extension-defaults", "get"], summary: "An extension default.", options: [key]),
            ScriptCommand(["extension-defaults", "set"], summary: "Set an extension default.", options: [key, value]),
            ScriptCommand(["extension-defaults", "set-default"], summary: "Set it only when absent.", options: [key, value]),
            ScriptCommand(["extension-defaults", "list"], summary: "Every extension default.", options: []),
            ScriptCommand(["extension-defaults", "remove"], summary: "Remove an extension default.", options: [key]),
            ScriptCommand(["cleanup"], summary: "Remove plan state by marshal.json's retention rules.",
                          options: [option("--target", "target", "What to clean (default: all).", .choice(StateCleanup.targets)),
                                    option("--dry-run", "dry_run", "Count only; remove nothing.", .flag)]),
            ScriptCommand(["cleanup-status"], summary: "How much plan state there is.", options: []),
            ScriptCommand(["build-queue-limit", "get"], summary: "How many builds the build server runs at once (server.max_slots).", options: []),
            ScriptCommand(["build-queue-limit", "set"], summary: "Set server.max_slots in the per-user configuration.",
                          options: [option("--value", "value", "Slots, from 1 to \(UserConfiguration.maximumSlots).", .integer, required: true)]),
            ScriptCommand(["architecture-refresh", "get-tier-0"], summary: "Whether architecture data refreshes by itself.", options: []),
            ScriptCommand(["architecture-refresh", "set-tier-0"], summary: "enabled or disabled.", options: [tierValue]),
            ScriptCommand(["architecture-refresh", "get-tier-1"], summary: "How a deeper refresh is started.", options: []),
            ScriptCommand(["architecture-refresh", "set-tier-1"], summary: "prompt, auto or disabled.", options: [tierValue]),
        ]
    }()

    // MARK: answers

    /// The answer object; a refusal is `status: error` with `error` and `message`.
    static func answer(_ path: [String], _ values: ScriptValues, call: ScriptCall) -> JSONObject {
        let layout = call.layout()
        do {
            switch path {
            case ["timeout", "get"]:
                let lookup = try RunConfiguration(layout: layout).timeout(for: values.string("command") ?? "", default: values.int("default"),
                                                                        explicit: values.int("explicit"))
                return success([("command", .string(values.string("command") ?? "")), ("timeout_seconds", .int(lookup.seconds))])
            case ["timeout", "set"]:
                let update = try RunConfiguration(layout: layout).recordDuration(try nonNegative(values.int("duration"), "--duration"),
                                                                                 for: values.string("command") ?? "")
                var members: [(String, JSONValue)] = [("command", .string(values.string("command") ?? "")), ("timeout_seconds", .int(update.seconds))]
                if let previous = update.previous { members.append(("previous_seconds", .int(previous))) }
                return success(members + [("source", .string(update.source))])
            case ["timeout", "measured"]:
                let configuration = RunConfiguration(layout: layout)
                let document = try configuration.load()
                let key = values.string("command") ?? ""
                guard let learned = configuration.learnedTimeout(key, in: document) else {
                    return success([("command", .string(key)), ("measured", false)])
                }
                let seconds = TimeoutPolicy(json: document["timeout_policy"]).effectiveTimeout(learned: learned, default: 0)
                return success([("command", .string(key)), ("measured", true), ("timeout_seconds", .int(seconds)), ("learned_seconds", .int(learned))])
            case ["cleanup"], ["cleanup-status"]:
                return try cleanup(path[0] == "cleanup", values, layout: layout)
            case ["build-queue-limit", "get"], ["build-queue-limit", "set"]:
                return try queueLimit(path[1] == "set" ? values.int("value") : nil, call: call)
            case _ where path.first == "architecture-refresh":
                return try ArchitectureRefresh.answer(path[1], value: values.string("value"), file: RunConfiguration(layout: layout))
            default:
                var answer = success(try edit(path, values).perform(in: layout).members)
                if path == ["validate"] { answer["format"] = .string(call.generation == .today ? "manage-run-config" : "run-config") }
                if path == ["init"], answer["action"]?.stringValue != "skipped" { answer["structure"] = .object(RunConfigInit.initialDocument) }
                return answer
            }
        } catch {
            return JSONObject([("status", "error"), ("error", .string(error.code.rawValue)), ("message", .string(error.message))])
        }
    }

    private static func success(_ members: [(String, JSONValue)]) -> JSONObject {
        JSONObject([("status", "success")] + members)
    }

    private static func nonNegative(_ value: Int?, _ what: String) throws(PlanBuildError) -> Int {
        guard let value, value >= 0, value <= TimeoutLimits.maximumSeconds else {
            throw PlanBuildError(.invalidValue, "\(what) must be from 0 to \(TimeoutLimits.maximumSeconds) seconds")
        }
        return value
    }

    /// The run-configuration edits, as pb_run_config performs them.
    static func edit(_ path: [String], _ values: ScriptValues) throws(PlanBuildError) -> RunConfigEdit {
        let system = values.string("build_system") ?? "maven"
        let text = { (dest: String) in values.string(dest) ?? "" }
        switch path {
        case ["init"]: return .initialize(force: values.flag("force"))
        case ["validate"]: return .validate(file: values.string("file"))
        case ["warning", "add"]: return .warningAdd(system: system, category: text("category"), pattern: text("pattern"))
        case ["warning", "list"]: return .warningList(system: system, category: values.string("category"))
        case ["warning", "remove"]: return .warningRemove(system: system, category: text("category"), pattern: text("pattern"))
        case ["profile-mapping", "set"]: return .profileSet(profile: text("profile_id"), canonical: text("canonical"))
        case ["profile-mapping", "get"]: return .profileGet(profile: text("profile_id"))
        case ["profile-mapping", "list"]: return .profileList(canonical: values.string("canonical"))
        case ["profile-mapping", "remove"]: return .profileRemove(profile: text("profile_id"))
        case ["profile-mapping", "batch-set"]: return .profileBatchSet(mappings: text("mappings"))
        case ["extension-defaults", "get"]: return .defaultsGet(key: text("key"))
        case ["extension-defaults", "set"]: return .defaultsSet(key: text("key"), value: .text(text("value_text")))
        case ["extension-defaults", "set-default"]: return .defaultsSetDefault(key: text("key"), value: .text(text("value_text")))
        case ["extension-defaults", "list"]: return .defaultsList
        default: return .defaultsRemove(key: text("key"))
        }
    }

    private static func cleanup(_ clean: Bool, _ values: ScriptValues, layout: ProjectLayout) throws(PlanBuildError) -> JSONObject {
        let cleanup = StateCleanup(root: layout.stateDir ?? layout.planDir, now: Int(time(nil)))
        guard clean else { return JSONObject([("status", "ok")]).merging(cleanup.status()) }
        let retention = try cleanup.retention()
        let dryRun = values.flag("dry_run")
        let target = values.string("target") ?? "all"
        return JSONObject([("status", .string(dryRun ? "dry_run" : "success")), ("target", .string(target))])
            .merging(cleanup.clean(target, retention: retention, dryRun: dryRun))
    }

    private static func queueLimit(_ newValue: Int?, call: ScriptCall) throws(PlanBuildError) -> JSONObject {
        guard let path = UserConfiguration.path(environment: call.invocation.variable) else {
            throw PlanBuildError(.configurationInvalid, "neither XDG_CONFIG_HOME nor HOME is set: no per-user configuration file")
        }
        let configuration = UserConfiguration(path: path)
        if let newValue { try configuration.setMaxSlots(newValue) }
        var answer = success([("field", "server.max_slots")])
        if let slots = try configuration.maxSlots() { answer["value"] = .int(slots) } else { answer["source"] = "unset: the build server's own default applies" }
        answer["config_file"] = .string(path)
        return answer
    }

    // MARK: printing

    static func render(_ path: [String], _ answer: JSONObject, values: ScriptValues, call: ScriptCall) -> ScriptReply {
        let failed = answer["status"]?.stringValue == "error"
        let stderr = failed ? "error: \(OneLine.escape(answer["message"]?.stringValue ?? ""))\n" : ""
        var reply: ScriptReply
        if path == ["timeout", "get"], !failed {
            reply = .printed(String(answer["timeout_seconds"]?.intValue ?? 0))
        } else if call.generation == .today {
            reply = .printed(ToonText.document(answer), exitCode: failed ? 1 : 0, stderr: stderr)
        } else if path == ["timeout", "set"], !failed {
            reply = .printed(TabToon.lines(answer.filter { $0.key != "command" }))
        } else {
            var shown = JSONObject([("success", .bool(!failed))])
            for (key, value) in answer where key != "status" { shown[key] = value }
            reply = .printed(JSONWriter.write(.object(shown), indent: 2), exitCode: failed ? 1 : 0, stderr: stderr)
        }
        reply.data = answer
        return reply
    }
}

extension JSONObject {
    /// This object with `other`'s members added (replacing equal keys).
    func merging(_ other: JSONObject) -> JSONObject {
        var merged = self
        for (key, value) in other { merged[key] = value }
        return merged
    }

    func filter(_ keep: ((key: String, value: JSONValue)) -> Bool) -> JSONObject {
        JSONObject(entries.filter(keep).map { ($0.key, $0.value) })
    }
}

extension RunConfiguration {
    /// The timeout for `key`; a timeout the caller set (`explicit`) replaces what was learned, the
    /// policy's minimum still binds.
    public func timeout(for key: String, default defaultSeconds: Int?, explicit: Int?) throws(PlanBuildError) -> TimeoutLookup {
        guard let explicit else { return try timeout(for: key, default: defaultSeconds) }
        return TimeoutLookup(seconds: try policy().effectiveTimeout(learned: nil, default: explicit), learned: nil, keyUsed: nil)
    }
}
