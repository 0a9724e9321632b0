import PlanBuildSupport
import PlanBuildCache

/// The build cache's answers (CacheQuery) as TOON, for `planbuild cache …` and pb_cache's "text":
/// scalars as `key TAB value`, nested objects as indented `key: value` lines, lists of rows as
/// tables. Every value goes through `OneLine`.
extension CacheQuery {
    /// The answer as TOON: scalars as `key TAB value`, lists as tables.
    public static func toon(_ answer: JSONObject) -> String {
        var lines: [String] = []
        var sections: [String] = []
        for (key, value) in answer {
            switch value {
            case .object(let nested):
                sections.append("")
                sections.append("\(key):")
                for (innerKey, innerValue) in nested {
                    if case .array(let items) = innerValue {
                        sections.append("  \(innerKey)[\(items.count)]: " + items.map { OneLine.escape(scalar($0)) }.joined(separator: ", "))
                    } else {
                        sections.append("  \(innerKey): \(OneLine.escape(scalar(innerValue)))")
                    }
                }
            case .array(let items):
                let rows = items.compactMap(\.objectValue)
                if rows.count == items.count, let first = rows.first {
                    let columns = first.map(\.key)
                    sections.append("")
                    sections.append("\(key)[\(rows.count)]{\(columns.joined(separator: ","))}:")
                    for row in rows {
                        sections.append(columns.map { OneLine.escape(scalar(row[$0] ?? .null)) }.joined(separator: "\t"))
                    }
                } else {
                    sections.append("")
                    sections.append("\(key)[\(items.count)]:")
                    for item in items { sections.append("  " + OneLine.escape(scalar(item))) }
                }
            default:
                lines.append("\(key)\t\(OneLine.escape(scalar(value)))")
            }
        }
        return (lines + sections).joined(separator: "\n")
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "-"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .array, .object: return JSONWriter.write(value, indent: nil)
        }
    }
}
