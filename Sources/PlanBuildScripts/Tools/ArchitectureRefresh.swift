import PlanBuildSupport
import PlanBuildConfiguration

/// The architecture-refresh settings of run-configuration.json (`architecture_refresh.tier_0`:
/// enabled | disabled, default enabled; `tier_1`: prompt | auto | disabled, default prompt). A value
/// of another type or outside the list reads as the default.
enum ArchitectureRefresh {
    static let allowed = ["tier_0": ["enabled", "disabled"], "tier_1": ["prompt", "auto", "disabled"]]
    static let defaults = ["tier_0": "enabled", "tier_1": "prompt"]

    static func answer(_ verb: String, value: String?, file: RunConfiguration) throws(PlanBuildError) -> JSONObject {
        let field = verb.hasSuffix("0") ? "tier_0" : "tier_1"
        let choices = allowed[field] ?? []
        if verb.hasPrefix("set") {
            guard let value, choices.contains(value) else {
                return JSONObject([("status", "error"), ("error", "invalid_value"), ("field", .string(field)),
                                   ("allowed", .array(choices.map(JSONValue.string))),
                                   ("message", .string("\(field) must be one of \(choices.joined(separator: ", ")), not '\(value ?? "")'"))])
            }
            try file.modify { document throws(PlanBuildError) in
                var section = try RunConfigEdit.section("architecture_refresh", of: document, path: file.path)
                section[field] = .string(value)
                document["architecture_refresh"] = .object(section)
                return true
            }
        }
        return JSONObject([("status", "success"), ("field", .string(field)), ("value", .string(try read(field, file: file)))])
    }

    static func read(_ field: String, file: RunConfiguration) throws(PlanBuildError) -> String {
        let stored = try file.load()["architecture_refresh"]?[field]?.stringValue
        return stored.flatMap { allowed[field]?.contains($0) == true ? $0 : nil } ?? defaults[field] ?? ""
    }
}
