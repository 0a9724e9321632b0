import PlanBuildSupport
import PlanBuildModel

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
        lines += sections(result, .commas)
        return lines.joined(separator: "\n")
    }

    /// How a dialect writes a result's sections: the rows of the errors and warnings tables, and
    /// when a warnings table has its `accepted` column.
    struct Rows: Sendable {
        let row: @Sendable ([String]) -> String
        let cell: @Sendable (JSONValue?, _ dash: Bool) -> String
        /// The column appears when a warning carries the flag (tabs), or the key (commas).
        let acceptedByKey: Bool

        /// The contract's tab-separated rows.
        static let tabs = Rows(row: { $0.joined(separator: "\t") }, cell: { OneLine.cell($0, dash: $1) }, acceptedByKey: false)
        /// Today's indented comma-separated rows.
        static let commas = Rows(row: { "  " + $0.joined(separator: ",") }, cell: { ToonText.cell($0 ?? .null, dash: $1) },
                                 acceptedByKey: true)
    }

    /// The errors, warnings and tests sections of a result, each after a blank line.
    static func sections(_ result: JSONObject, _ rows: Rows) -> [String] {
        var lines: [String] = []
        if let errors = result["errors"]?.arrayValue, !errors.isEmpty {
            lines += ["", "errors[\(errors.count)]{file,line,message,category}:"]
            for issue in errors {
                lines.append(rows.row([rows.cell(issue["file"], true), rows.cell(issue["line"], true),
                                       rows.cell(issue["message"], false), rows.cell(issue["category"], false)]))
            }
        }
        if let warnings = result["warnings"]?.arrayValue, !warnings.isEmpty {
            let marked = warnings.contains { rows.acceptedByKey ? ($0["accepted"].map { !$0.isNull } ?? false) : $0["accepted"]?.boolValue == true }
            lines += ["", "warnings[\(warnings.count)]{file,line,message\(marked ? ",accepted" : "")}:"]
            for issue in warnings {
                var row = [rows.cell(issue["file"], true), rows.cell(issue["line"], true), rows.cell(issue["message"], false)]
                if marked { row.append(issue["accepted"]?.boolValue == true ? "[accepted]" : "") }
                lines.append(rows.row(row))
            }
        }
        if let tests = result["tests"]?.objectValue, !tests.isEmpty {
            lines += ["", "tests:"]
            for key in ["passed", "failed", "skipped"] {
                lines.append("  \(key): \(tests[key].map { OneLine.cell($0) } ?? "0")")
            }
        }
        return lines
    }
}
