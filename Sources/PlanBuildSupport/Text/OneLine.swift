/// The one escaping rule of every text output, so that no value ever contains a raw tab or line
/// break: TOON results and orchestration reports, `resolve`'s lines, the
/// architecture queries and the progress lines. A value comes from derived-data.json or from
/// build output, so without it a module name or a file path could forge columns or whole lines.
///
/// The rule: every run of line breaks becomes ` | ` (none at the start or end of the value), every
/// tab one space. Line breaks are those a reader may split on: LF, CR, and what Python's
/// `str.splitlines` also splits on (VT, FF, FS, GS, RS, NEL, LS, PS). Everything else is kept.
public enum OneLine {
    public static func escape(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var output = String.UnicodeScalarView()
        var pendingBreak = false
        for scalar in text.unicodeScalars {
            if isLineBreak(scalar) {
                pendingBreak = true
                continue
            }
            if pendingBreak {
                if !output.isEmpty { output.append(contentsOf: " | ".unicodeScalars) }
                pendingBreak = false
            }
            output.append(scalar == "\t" ? " " : scalar)
        }
        return String(output)
    }

    /// A text from a server, shown in a message: at most `limit` characters (then `…`), control
    /// characters (a terminal's escape sequences, line breaks) shown as `?`.
    package static func untrusted(_ text: String, limit: Int) -> String {
        var shown = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            shown.unicodeScalars.append(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? "?" : scalar)
        }
        return shown + (text.unicodeScalars.count > limit ? "…" : "")
    }

    /// One TOON cell: escaped (a raw tab or line break would break the table), `-` for a missing
    /// value such as an unknown file or line (nothing with `dash` false), anything but a string or
    /// a number as compact JSON.
    package static func cell(_ value: JSONValue?, dash: Bool = true) -> String {
        switch value {
        case nil, .null?: return dash ? "-" : ""
        case .string(let text)?: return escape(text)
        case .int(let number)?: return String(number)
        case .double(let number)?: return number.description
        case .bool(let flag)?: return flag ? "true" : "false"
        case let other?: return escape(JSONWriter.writeCompact(other))
        }
    }

    /// A fast check on the bytes: all the escaped characters are below 0x20, or start with the
    /// UTF-8 lead byte 0xC2 (NEL) or 0xE2 (LS, PS); most values have none of these.
    private static func needsEscaping(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == 0xC2 || $0 == 0xE2 }
            && text.unicodeScalars.contains { $0 == "\t" || isLineBreak($0) }
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }
}
