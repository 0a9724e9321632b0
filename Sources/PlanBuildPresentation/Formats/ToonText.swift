import PlanBuildSupport

/// The TOON dialect of plan-marshall's current release: `key: value` lines, nested objects indented
/// by two spaces, arrays of like objects as tables `name[N]{a,b}:` with one comma-separated row each,
/// arrays of scalars inline `name[N]: a,b`, other arrays as `- item` rows.
///
/// Every value goes through `OneLine` first (no raw line break can forge a line); a value that
/// holds the delimiter, a quote, or leading or trailing blanks is quoted with `\"` and `\\` escaped.
package enum ToonText {
    package static func document(_ object: JSONObject) -> String {
        var lines: [String] = []
        append(object, indent: 0, to: &lines)
        return lines.joined(separator: "\n")
    }

    static func append(_ object: JSONObject, indent: Int, to lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in object {
            switch value {
            case .object(let nested):
                lines.append("\(pad)\(key):")
                append(nested, indent: indent + 2, to: &lines)
            case .array(let items):
                appendArray(key, items, indent: indent, to: &lines)
            default:
                lines.append("\(pad)\(key): \(scalar(value))")
            }
        }
    }

    static func appendArray(_ key: String, _ items: [JSONValue], indent: Int, to lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        if items.allSatisfy(isScalar) {
            let joined = items.map { cell($0) }.joined(separator: ",")
            lines.append("\(pad)\(key)[\(items.count)]:\(joined.isEmpty ? "" : " " + joined)")
            return
        }
        if let fields = tableFields(items) {
            lines.append("\(pad)\(key)[\(items.count)]{\(fields.joined(separator: ","))}:")
            for item in items {
                lines.append(pad + "  " + fields.map { cell(item[$0] ?? .null) }.joined(separator: ","))
            }
            return
        }
        lines.append("\(pad)\(key)[\(items.count)]:")
        for item in items {
            switch item {
            case .object(let nested):
                var inner: [String] = []
                append(nested, indent: 0, to: &inner)
                for (index, line) in inner.enumerated() {
                    lines.append(pad + (index == 0 ? "  - " : "    ") + line)
                }
            default:
                lines.append("\(pad)  - \(scalar(item))")
            }
        }
    }

    /// The columns of a table: every item an object with the same keys and only scalar values.
    static func tableFields(_ items: [JSONValue]) -> [String]? {
        guard let first = items.first?.objectValue, !first.isEmpty else { return nil }
        let keys = first.keys
        for item in items {
            guard let object = item.objectValue, object.keys == keys,
                  object.allSatisfy({ isScalar($0.value) }) else { return nil }
        }
        return keys
    }

    static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: return false
        default: return true
        }
    }

    /// A value after `key: `.
    package static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number): return number.description
        case .string(let text): return quotedIfNeeded(OneLine.escape(text), delimiter: nil)
        case .array, .object: return quotedIfNeeded(OneLine.escape(JSONWriter.writeCompact(value)), delimiter: nil)
        }
    }

    /// A value in a comma-separated row; `dash` shows a missing file or line as `-`.
    package static func cell(_ value: JSONValue, dash: Bool = false) -> String {
        switch value {
        case .null: return dash ? "-" : ""
        case .string(let text): return quotedIfNeeded(OneLine.escape(text), delimiter: ",")
        default: return quotedIfNeeded(scalar(value), delimiter: ",")
        }
    }

    static func quotedIfNeeded(_ text: String, delimiter: Character?) -> String {
        let needs = text.contains("\"") || (delimiter.map { text.contains($0) } ?? false)
            || text.first == " " || text.last == " "
        guard needs else { return text }
        var escaped = ""
        for character in text {
            if character == "\"" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "\"\(escaped)\""
    }
}
