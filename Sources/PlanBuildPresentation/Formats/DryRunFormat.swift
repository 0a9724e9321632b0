import PlanBuildSupport
import PlanBuildOrchestration

/// `orchestrate --dry-run` as JSON (`--format json`, like `turbo run --dry=json`) and TOON.
extension DryRunReport {
    public var json: JSONObject {
        var members: [(String, JSONValue)] = [
            ("dry_run", .bool(true)),
            ("command", .string(command)),
            ("run", .int(count(.run))),
            ("cached", .int(count(.cached))),
            ("skipped", .int(count(.skipped))),
            ("modules", .array(entries.map { .object($0.json) })),
        ]
        if let changedFiles {
            members.append(("affected", .object(JSONObject([
                ("base", affectedBase.map(JSONValue.string) ?? .null),
                ("head", affectedHead.map(JSONValue.string) ?? .null),
                ("changed_files", .array(changedFiles.map(JSONValue.string))),
            ]))))
        }
        if !cacheProblems.isEmpty { members.append(("cache_warnings", .array(cacheProblems.map(JSONValue.string)))) }
        return JSONObject(members)
    }

    public func text(_ format: ResultFormatter.Format) -> String {
        switch format {
        case .json: return JSONWriter.write(.object(json), indent: 2)
        case .toon: return toon()
        }
    }

    /// One line per module: what would happen and why.
    public func toon() -> String {
        let line = OneLine.escape
        var lines = ["dry_run\ttrue", "command\t\(line(command))", "run\t\(count(.run))", "cached\t\(count(.cached))",
                     "skipped\t\(count(.skipped))"]
        if let changedFiles {
            lines.append("affected_base\t\(line(affectedBase ?? "-"))")
            lines.append("affected_head\t\(line(affectedHead ?? "-"))")
            lines.append("changed_files\t\(changedFiles.count)")
        }
        for problem in cacheProblems { lines.append("cache_warning\t\(line(problem))") }
        lines += ["", "modules[\(entries.count)]{module,action,reason,added,modified,deleted}:"]
        for entry in entries {
            let changes = entry.miss?.changes
            lines.append([entry.module, entry.action.rawValue, entry.why,
                          String(changes?.added.count ?? 0), String(changes?.modified.count ?? 0), String(changes?.deleted.count ?? 0)]
                .map(line).joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func count(_ action: Action) -> Int { entries.filter { $0.action == action }.count }
}

extension DryRunReport.Entry {
    /// The miss reason, the cache source, or why it is skipped.
    var why: String {
        switch action {
        case .run: return miss?.reason.rawValue ?? "no_cache"
        case .cached: return cacheSource ?? "local"
        case .skipped: return reason ?? ""
        }
    }

    var json: JSONObject {
        var members: [(String, JSONValue)] = [("module", .string(module)), ("action", .string(action.rawValue))]
        switch action {
        case .run:
            if let miss { members.append(("cache_miss", .object(miss.json))) }
        case .cached:
            members.append(("cache", .string(cacheSource ?? "local")))
            if let timeSavedSeconds { members.append(("time_saved_seconds", .int(timeSavedSeconds))) }
        case .skipped:
            members.append(("reason", .string(reason ?? "")))
        }
        members.append(("dependencies", .array(dependencies.map(JSONValue.string))))
        return JSONObject(members)
    }
}
