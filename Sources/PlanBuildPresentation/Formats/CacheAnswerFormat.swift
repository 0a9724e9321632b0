import PlanBuildSupport
import PlanBuildCache

/// The build cache's answers (CacheQuery) as TOON, for `planbuild cache …` and pb_cache's "text":
/// scalars as `key TAB value`, nested objects as indented `key: value` blocks at any depth, lists
/// of rows as tables — never JSON inside the text. Times (`recorded_at`) are local ISO 8601 times.
/// Every value goes through `OneLine`.
extension CacheQuery {
    /// The answer as TOON: scalars as `key TAB value`, lists as tables.
    public static func toon(_ answer: JSONObject) -> String {
        var lines: [String] = []
        var sections: [String] = []
        for (key, value) in answer {
            switch value {
            case .object(let nested): sections += [""] + block(key, nested, indent: "")
            case .array(let items): sections += [""] + list(key, items, indent: "")
            default: lines.append("\(key)\t\(cell(key, value))")
            }
        }
        return (lines + sections).joined(separator: "\n")
    }

    private static func block(_ key: String, _ object: JSONObject, indent: String) -> [String] {
        var lines = ["\(indent)\(key):"]
        for (innerKey, innerValue) in object {
            switch innerValue {
            case .object(let nested): lines += block(innerKey, nested, indent: indent + "  ")
            case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                lines += list(innerKey, items, indent: indent + "  ")
            case .array(let items):
                lines.append("\(indent)  \(innerKey)[\(items.count)]: " + items.map { cell(innerKey, $0) }.joined(separator: ", "))
            default: lines.append("\(indent)  \(innerKey): \(cell(innerKey, innerValue))")
            }
        }
        return lines
    }

    /// A list of objects as a table (rows under a top-level key are not indented, as before);
    /// anything else one item per line.
    private static func list(_ key: String, _ items: [JSONValue], indent: String) -> [String] {
        let rows = items.compactMap(\.objectValue)
        guard rows.count == items.count, let first = rows.first else {
            return ["\(indent)\(key)[\(items.count)]:"] + items.map { "\(indent)  " + cell(key, $0) }
        }
        let columns = first.map(\.key)
        let rowIndent = indent.isEmpty ? "" : indent + "  "
        return ["\(indent)\(key)[\(rows.count)]{\(columns.joined(separator: ","))}:"]
            + rows.map { row in rowIndent + columns.map { cell($0, row[$0] ?? .null) }.joined(separator: "\t") }
    }

    /// One value, escaped; an epoch time a person reads as a local time.
    private static func cell(_ key: String, _ value: JSONValue) -> String {
        if key == "recorded_at", case .int(let seconds) = value { return LocalTime.iso8601(seconds) }
        return OneLine.escape(scalar(value))
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
