import PlanBuildSupport

/// `run_config warning add|list|remove`: patterns under `{system}.acceptable_warnings.{category}`,
/// the same patterns AcceptedWarnings applies to builds.
enum WarningCategories {
    static func perform(_ edit: RunConfigEdit, _ file: RunConfiguration) throws(PlanBuildError) -> RunConfigEdit.Answer {
        switch edit {
        case .warningAdd(let system, let category, let pattern):
            return try change(file, system: system, category: category, pattern: pattern, adding: true)
        case .warningRemove(let system, let category, let pattern):
            return try change(file, system: system, category: category, pattern: pattern, adding: false)
        case .warningList(let system, let category):
            if let category { try checkCategory(category) }
            let document = try file.load()
            let warnings = try categories(of: try RunConfigEdit.section(system, of: document, path: file.path), file: file, system: system)
            if let category {
                return RunConfigEdit.Answer(members: [("build_system", .string(system)), ("category", .string(category)),
                                                      ("patterns", warnings[category] ?? .array([]))])
            }
            var listed = JSONObject(RunConfigEdit.warningCategories.map { ($0, warnings[$0] ?? .array([])) })
            for (name, patterns) in warnings where listed[name] == nil { listed[name] = patterns }
            return RunConfigEdit.Answer(members: [("build_system", .string(system)), ("categories", .object(listed))])
        default:
            preconditionFailure("not a warning operation")
        }
    }

    private static func checkCategory(_ category: String) throws(PlanBuildError) {
        try RunConfigEdit.check(category, in: RunConfigEdit.warningCategories, "category", code: .invalidCategory)
    }

    /// `acceptable_warnings` of one system; the list form (no categories) cannot take a category.
    private static func categories(of systemSection: JSONObject, file: RunConfiguration, system: String) throws(PlanBuildError) -> JSONObject {
        guard let value = systemSection["acceptable_warnings"], !value.isNull else { return JSONObject() }
        guard let object = value.objectValue else {
            throw PlanBuildError(.configurationInvalid,
                                 "\(file.path): \"\(system).acceptable_warnings\" must be an object of category → patterns to edit by category")
        }
        return object
    }

    private static func change(_ file: RunConfiguration, system: String, category: String, pattern: String,
                               adding: Bool) throws(PlanBuildError) -> RunConfigEdit.Answer {
        try checkCategory(category)
        if pattern.isEmpty { throw PlanBuildError(.invalidValue, "the pattern must not be empty") }
        var action = adding ? "added" : "removed"
        try file.modify { document throws(PlanBuildError) in
            var systemSection = try RunConfigEdit.section(system, of: document, path: file.path)
            var warnings = try categories(of: systemSection, file: file, system: system)
            if warnings.isEmpty && adding {
                warnings = JSONObject(RunConfigEdit.warningCategories.map { ($0, JSONValue.array([])) })
            }
            var patterns: [JSONValue] = []
            if let existing = warnings[category], !existing.isNull {
                guard let list = existing.arrayValue else {
                    throw PlanBuildError(.configurationInvalid, "\(file.path): \"\(system).acceptable_warnings.\(category)\" must be a list")
                }
                patterns = list
            }
            let present = patterns.contains(.string(pattern))
            if present == adding { action = "skipped"; return false }
            if adding { patterns.append(.string(pattern)) } else { patterns.removeAll { $0 == .string(pattern) } }
            warnings[category] = .array(patterns)
            systemSection["acceptable_warnings"] = .object(warnings)
            document[system] = .object(systemSection)
            return true
        }
        var members: [(String, JSONValue)] = [("action", .string(action)), ("category", .string(category)),
                                              ("pattern", .string(pattern)), ("build_system", .string(system))]
        if action == "skipped" { members.append(("reason", .string(adding ? "pattern already exists" : "pattern not found"))) }
        return RunConfigEdit.Answer(members: members)
    }
}
