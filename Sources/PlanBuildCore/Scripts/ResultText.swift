/// A build result as each generation prints it: the contract's tab-separated TOON
/// (`ResultFormatter.toon`), today's `key: value` TOON, or JSON (the same in both).
public enum ResultText {
    public static func format(_ result: JSONObject, _ generation: ScriptGeneration, as format: ResultFormatter.Format) -> String {
        switch (format, generation) {
        case (.json, _): return ResultFormatter.json(result)
        case (.toon, .spec): return ResultFormatter.toon(result)
        case (.toon, .today): return todayToon(result)
        }
    }

    /// Scalar fields in the documented order, then the caller's own scalars, then the sections.
    static func todayToon(_ result: JSONObject) -> String {
        var lines: [String] = []
        var shown = Set<String>()
        for field in ResultFormatter.coreFields + ResultFormatter.extraFields + ["message"] {
            if let value = result[field], !value.isNull {
                lines.append("\(field): \(ToonText.scalar(value))")
            }
            shown.insert(field)
        }
        var others = JSONObject()
        for (key, value) in result where !shown.contains(key) && !ResultFormatter.structuredFields.contains(key) && !value.isNull {
            others[key] = value
        }
        ToonText.append(others, indent: 0, to: &lines)
        if let errors = result["errors"]?.arrayValue, !errors.isEmpty {
            lines.append("")
            lines.append("errors[\(errors.count)]{file,line,message,category}:")
            for issue in errors {
                lines.append("  " + [ToonText.cell(issue["file"] ?? .null, dash: true), ToonText.cell(issue["line"] ?? .null, dash: true),
                                     ToonText.cell(issue["message"] ?? .null), ToonText.cell(issue["category"] ?? .null)].joined(separator: ","))
            }
        }
        if let warnings = result["warnings"]?.arrayValue, !warnings.isEmpty {
            lines.append("")
            let marked = warnings.contains { $0["accepted"] != nil && $0["accepted"]?.isNull == false }
            lines.append("warnings[\(warnings.count)]{file,line,message\(marked ? ",accepted" : "")}:")
            for issue in warnings {
                var row = [ToonText.cell(issue["file"] ?? .null, dash: true), ToonText.cell(issue["line"] ?? .null, dash: true),
                           ToonText.cell(issue["message"] ?? .null)]
                if marked { row.append(issue["accepted"]?.boolValue == true ? "[accepted]" : "") }
                lines.append("  " + row.joined(separator: ","))
            }
        }
        if let tests = result["tests"]?.objectValue, !tests.isEmpty {
            lines.append("")
            lines.append("tests:")
            for key in ["passed", "failed", "skipped"] {
                lines.append("  \(key): \(tests[key].map(ToonText.scalar) ?? "0")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
