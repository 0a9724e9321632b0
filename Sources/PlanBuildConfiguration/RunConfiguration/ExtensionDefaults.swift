import PlanBuildSupport

/// `run_config extension-defaults …`: `extension_defaults`, values extensions store once
/// (`set-default`) or overwrite (`set`).
enum ExtensionDefaults {
    static func perform(_ edit: RunConfigEdit, _ file: RunConfiguration) throws(PlanBuildError) -> RunConfigEdit.Answer {
        switch edit {
        case .defaultsGet(let key):
            let defaults = try RunConfigEdit.section("extension_defaults", of: try file.load(), path: file.path)
            guard let value = defaults[key], !value.isNull else {
                return RunConfigEdit.Answer(members: [("key", .string(key)), ("exists", false)])
            }
            return RunConfigEdit.Answer(members: [("key", .string(key)), ("exists", true), ("value", value)])
        case .defaultsList:
            let defaults = try RunConfigEdit.section("extension_defaults", of: try file.load(), path: file.path)
            return RunConfigEdit.Answer(members: [("count", .int(defaults.count)), ("keys", .array(defaults.keys.map(JSONValue.string))),
                                                  ("values", .object(defaults))])
        case .defaultsSet(let key, let given):
            let value = given.resolved
            var previous: JSONValue?
            try change(file) { defaults in
                previous = defaults[key]
                defaults[key] = value
                return true
            }
            var members: [(String, JSONValue)] = [("action", .string(previous == nil ? "added" : "updated")), ("key", .string(key)), ("value", value)]
            if let previous { members.append(("previous", previous)) }
            return RunConfigEdit.Answer(members: members)
        case .defaultsSetDefault(let key, let given):
            let value = given.resolved
            var existing: JSONValue?
            try change(file) { defaults in
                existing = defaults[key]
                if existing != nil { return false }
                defaults[key] = value
                return true
            }
            if let existing {
                return RunConfigEdit.Answer(members: [("action", "skipped"), ("key", .string(key)), ("reason", "Key already exists"),
                                                      ("existing_value", existing)])
            }
            return RunConfigEdit.Answer(members: [("action", "added"), ("key", .string(key)), ("value", value)])
        case .defaultsRemove(let key):
            var previous: JSONValue?
            try change(file) { defaults in
                previous = defaults[key]
                defaults[key] = nil
                return previous != nil
            }
            guard let previous else {
                return RunConfigEdit.Answer(members: [("action", "skipped"), ("key", .string(key)), ("reason", "key not found")])
            }
            return RunConfigEdit.Answer(members: [("action", "removed"), ("key", .string(key)), ("previous", previous)])
        default:
            preconditionFailure("not an extension-defaults operation")
        }
    }

    /// One locked change of `extension_defaults`; `change` returns whether to write.
    private static func change(_ file: RunConfiguration, _ change: (inout JSONObject) -> Bool) throws(PlanBuildError) {
        try file.modify { document throws(PlanBuildError) in
            var defaults = try RunConfigEdit.section("extension_defaults", of: document, path: file.path)
            guard change(&defaults) else { return false }
            document["extension_defaults"] = .object(defaults)
            return true
        }
    }
}
