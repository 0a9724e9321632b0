import PlanBuildSupport
import PlanBuildConfiguration

/// pb_run_config: decodes one run_config operation into a RunConfigEdit, performs it, and
/// replies with its members plus the TOON `text` the CLI prints.
enum RunConfigHandlers {
    static let operations = ["init", "validate", "warning_add", "warning_list", "warning_remove",
                             "profile_mapping_set", "profile_mapping_get", "profile_mapping_list",
                             "profile_mapping_remove", "profile_mapping_batch_set",
                             "extension_defaults_get", "extension_defaults_set", "extension_defaults_set_default",
                             "extension_defaults_list", "extension_defaults_remove"]

    static func runConfig(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let answer = try decode(request).perform(in: try request.layout())
        return Reply.success(answer.members + [("text", .string(answer.text))])
    }

    private static func decode(_ request: Request) throws(PlanBuildError) -> RunConfigEdit {
        let operation = try request.string("operation")
        let system = try request.optionalString("build_system") ?? "maven"
        switch operation {
        case "init": return .initialize(force: try request.optionalBool("force") ?? false)
        case "validate": return .validate(file: try request.optionalString("file"))
        case "warning_add":
            return .warningAdd(system: system, category: try request.string("category"), pattern: try request.string("pattern"))
        case "warning_list": return .warningList(system: system, category: try request.optionalString("category"))
        case "warning_remove":
            return .warningRemove(system: system, category: try request.string("category"), pattern: try request.string("pattern"))
        case "profile_mapping_set":
            return .profileSet(profile: try request.string("profile_id"), canonical: try request.string("canonical"))
        case "profile_mapping_get": return .profileGet(profile: try request.string("profile_id"))
        case "profile_mapping_list": return .profileList(canonical: try request.optionalString("canonical"))
        case "profile_mapping_remove": return .profileRemove(profile: try request.string("profile_id"))
        case "profile_mapping_batch_set": return .profileBatchSet(mappings: try request.string("mappings"))
        case "extension_defaults_get": return .defaultsGet(key: try request.string("key"))
        case "extension_defaults_set": return .defaultsSet(key: try request.string("key"), value: try value(request))
        case "extension_defaults_set_default": return .defaultsSetDefault(key: try request.string("key"), value: try value(request))
        case "extension_defaults_list": return .defaultsList
        case "extension_defaults_remove": return .defaultsRemove(key: try request.string("key"))
        default:
            throw invalid("\"operation\" has an unknown value '\(operation)'; known: \(operations.joined(separator: ", "))")
        }
    }

    /// `value` is any JSON; `value_text` is command-line text (JSON when it parses, else a string).
    private static func value(_ request: Request) throws(PlanBuildError) -> RunConfigEdit.Value {
        if let text = try request.optionalString("value_text") { return .text(text) }
        guard let value = request.object["value"] else { throw invalid("\"value\" or \"value_text\" is required") }
        return .json(value)
    }
}
