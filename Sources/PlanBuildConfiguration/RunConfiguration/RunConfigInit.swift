import PlanBuildSupport

/// `run_config init` and `run_config validate`.
public enum RunConfigInit {
    /// The document `init` writes (plan-marshall's default structure).
    package static var initialDocument: JSONObject {
        JSONObject([
            ("version", 1),
            ("commands", .object(JSONObject())),
            ("maven", .object(JSONObject([("acceptable_warnings", .object(JSONObject(
                RunConfigEdit.warningCategories.map { ($0, JSONValue.array([])) })))]))),
            ("ci", .object(JSONObject([("authenticated_tools", .array([])), ("verified_at", .null)]))),
            ("profile_mappings", .object(JSONObject())),
            ("extension_defaults", .object(JSONObject())),
        ])
    }

    /// Writes the initial document unless one exists; `force` replaces it, even when unreadable.
    static func initialize(_ file: RunConfiguration, force: Bool) throws(PlanBuildError) -> RunConfigEdit.Answer {
        var action = "created"
        try file.file.replace { existing throws(PlanBuildError) -> JSONObject? in
            if existing != nil {
                if !force { action = "skipped"; return nil }
                action = "recreated"
            }
            return initialDocument
        }
        var members: [(String, JSONValue)] = [("action", .string(action)), ("path", .string(file.path))]
        if action == "skipped" { members.append(("reason", "file already exists (use --force to overwrite)")) }
        return RunConfigEdit.Answer(members: members)
    }

    /// Checks the shape of a run configuration; an invalid file is an answer (`valid false`), a
    /// missing one an error.
    static func validate(_ path: String) throws(PlanBuildError) -> RunConfigEdit.Answer {
        var checks: [(String, Bool, String)] = []
        let members: [(String, JSONValue)] = [("file", .string(path))]
        func answer() -> RunConfigEdit.Answer {
            let valid = checks.allSatisfy(\.1)
            return RunConfigEdit.Answer(members: [("valid", .bool(valid))] + members + [("checks", .array(checks.map { check in
                .object(JSONObject([("check", .string(check.0)), ("passed", .bool(check.1)), ("message", .string(check.2))]))
            }))])
        }
        let document: JSONObject
        do throws(any Error) {
            guard let object = try JSONParser.parse(bytes: try FileSystem.readFile(path)).objectValue else {
                checks.append(("json_syntax", false, "the file must hold a JSON object"))
                return answer()
            }
            document = object
        } catch let error as FileError {
            if error.kind == .notFound { throw PlanBuildError(.notFound, "File not found: \(path)") }
            checks.append(("file_readable", false, error.reason))
            return answer()
        } catch {
            checks.append(("json_syntax", false, "\(error)"))
            return answer()
        }
        return RunConfigEdit.Answer(members: [("valid", .bool(false))] + members + [("checks", .array([]))]).replacingChecks(
            [JSONValue.object(JSONObject([("check", "json_syntax"), ("passed", true), ("message", "valid JSON")]))] + Self.checks(document))
    }

    /// The shape checks of a parsed document: required fields, the version's type, each command
    /// an object, each known section an object. Each check: `check`, `passed`, `message`, and what
    /// it found (`missing`, `invalid`, `count`).
    public static func checks(_ document: JSONObject) -> [JSONValue] {
        var checks: [JSONValue] = []
        func add(_ name: String, _ passed: Bool, _ message: String, _ extra: [(String, JSONValue)] = []) {
            checks.append(.object(JSONObject([("check", .string(name)), ("passed", .bool(passed)), ("message", .string(message))] + extra)))
        }
        let missing = ["version", "commands"].filter { document[$0] == nil }
        add("required_fields", missing.isEmpty, missing.isEmpty ? "version, commands present" : "missing: \(missing.joined(separator: ", "))",
            [("missing", .array(missing.map(JSONValue.string)))])
        if let version = document["version"] {
            add("version_type", version.intValue != nil,
                version.intValue != nil ? "version is an integer" : "version must be an integer")
        }
        if let commands = document["commands"] {
            if let entries = commands.objectValue {
                let bad = entries.entries.filter { $0.value.objectValue == nil }.map(\.key)
                add("command_entries", bad.isEmpty, bad.isEmpty ? "\(entries.count) commands" : "not objects: \(bad.joined(separator: ", "))",
                    [("count", .int(entries.count)), ("invalid", .array(bad.map(JSONValue.string)))])
                // A learned timeout the lookup would ignore (RunConfiguration.learnedTimeout).
                let unusable = entries.entries.filter { entry in
                    guard let value = entry.value["timeout_seconds"], !value.isNull else { return false }
                    return RunConfiguration.learnedTimeout(entry.value) == nil
                }.map(\.key)
                if !unusable.isEmpty {
                    add("learned_timeouts", false, "timeout_seconds must be a whole number of at least 1 second: \(unusable.joined(separator: ", "))",
                        [("invalid", .array(unusable.map(JSONValue.string)))])
                }
            } else {
                add("commands_object", false, "commands must be an object")
            }
        }
        if let policy = document["timeout_policy"] {
            let problems = TimeoutPolicy.problems(policy)
            add("timeout_policy", problems.isEmpty, problems.isEmpty ? "timeout_policy valid" : problems.joined(separator: "; "))
        }
        for section in ["maven", "gradle", "npm", "profile_mappings", "extension_defaults"] {
            if let value = document[section] {
                add("\(section)_object", value.objectValue != nil, value.objectValue != nil ? "\(section) is an object" : "\(section) must be an object")
            }
        }
        return checks
    }
}

extension RunConfigEdit.Answer {
    /// The answer of `validate` with its checks: `valid` when every check passed.
    func replacingChecks(_ checks: [JSONValue]) -> RunConfigEdit.Answer {
        let valid = checks.allSatisfy { $0["passed"]?.boolValue == true }
        return RunConfigEdit.Answer(members: members.map { member in
            switch member.0 {
            case "valid": return ("valid", .bool(valid))
            case "checks": return ("checks", .array(checks))
            default: return member
            }
        })
    }
}
