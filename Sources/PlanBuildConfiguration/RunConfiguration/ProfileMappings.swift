import PlanBuildSupport

/// `run_config profile-mapping …`: `profile_mappings`, a Maven profile id → the canonical
/// command it serves (or `skip`).
enum ProfileMappings {
    static func perform(_ edit: RunConfigEdit, _ file: RunConfiguration) throws(PlanBuildError) -> RunConfigEdit.Answer {
        switch edit {
        case .profileGet(let profile):
            let mappings = try RunConfigEdit.section("profile_mappings", of: try file.load(), path: file.path)
            guard let canonical = mappings[profile], !canonical.isNull else {
                return RunConfigEdit.Answer(members: [("profile_id", .string(profile)), ("mapped", false)])
            }
            return RunConfigEdit.Answer(members: [("profile_id", .string(profile)), ("mapped", true), ("canonical", canonical)])
        case .profileList(let canonical):
            var mappings = try RunConfigEdit.section("profile_mappings", of: try file.load(), path: file.path)
            var members: [(String, JSONValue)] = []
            if let canonical {
                mappings = JSONObject(mappings.entries.filter { $0.value == .string(canonical) }.map { ($0.key, $0.value) })
                members.append(("filter", .string(canonical)))
            }
            return RunConfigEdit.Answer(members: members + [("count", .int(mappings.count)), ("mappings", .object(mappings))])
        case .profileSet(let profile, let canonical):
            try RunConfigEdit.check(canonical, in: RunConfigEdit.profileCanonicals, "canonical")
            var previous: JSONValue?
            try changeMappings(file) { mappings in
                previous = mappings[profile]
                mappings[profile] = .string(canonical)
            }
            var members: [(String, JSONValue)] = [("action", .string(previous == nil ? "added" : "updated")),
                                                  ("profile_id", .string(profile)), ("canonical", .string(canonical))]
            if let previous { members.append(("previous", previous)) }
            return RunConfigEdit.Answer(members: members)
        case .profileRemove(let profile):
            var previous: JSONValue?
            try changeMappings(file) { mappings in
                previous = mappings[profile]
                mappings[profile] = nil
            }
            guard let previous else {
                return RunConfigEdit.Answer(members: [("action", "skipped"), ("profile_id", .string(profile)), ("reason", "mapping not found")])
            }
            return RunConfigEdit.Answer(members: [("action", "removed"), ("profile_id", .string(profile)), ("previous", previous)])
        case .profileBatchSet(let text):
            let given: JSONValue
            do { given = try JSONParser.parse(text) } catch {
                throw PlanBuildError(.invalidValue, "invalid JSON for the mappings: \(error)")
            }
            guard let mappings = given.objectValue else { throw PlanBuildError(.invalidValue, "the mappings must be a JSON object") }
            let invalid = mappings.entries.filter { entry in
                !(entry.value.stringValue.map(RunConfigEdit.profileCanonicals.contains) ?? false)
            }.map { "\($0.key):\(OneLine.cell($0.value))" }
            if !invalid.isEmpty {
                throw PlanBuildError(.invalidValue, "invalid canonicals: \(invalid.joined(separator: ", ")); valid: \(RunConfigEdit.profileCanonicals.joined(separator: ", "))")
            }
            var added = 0, updated = 0, total = 0
            try changeMappings(file) { existing in
                for (profile, canonical) in mappings.entries {
                    if existing[profile] == nil { added += 1 } else { updated += 1 }
                    existing[profile] = canonical
                }
                total = existing.count
            }
            return RunConfigEdit.Answer(members: [("action", "batch_set"), ("added", .int(added)), ("updated", .int(updated)), ("total", .int(total))])
        default:
            preconditionFailure("not a profile-mapping operation")
        }
    }

    /// One locked change of `profile_mappings`; nothing is written when it stays the same.
    private static func changeMappings(_ file: RunConfiguration, _ change: (inout JSONObject) -> Void) throws(PlanBuildError) {
        try file.modify { document throws(PlanBuildError) in
            let before = try RunConfigEdit.section("profile_mappings", of: document, path: file.path)
            var mappings = before
            change(&mappings)
            if mappings == before && document["profile_mappings"] != nil { return false }
            document["profile_mappings"] = .object(mappings)
            return true
        }
    }
}
