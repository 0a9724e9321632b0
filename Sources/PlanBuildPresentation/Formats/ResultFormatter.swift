import PlanBuildSupport

/// TOON and JSON renderings of a build result: the scalar fields in their documented order,
/// then the errors, warnings and tests (docs/examples/ shows both forms).
///
/// Works on the JSON object rather than `BuildResult` so that results assembled by callers
/// (the Python `success_result(**extra)` family) format the same way as the engine's own.
public enum ResultFormatter {
    public static let coreFields = ["status", "exit_code", "duration_seconds", "log_file", "command"]
    public static let extraFields = ["error", "timeout_used_seconds", "wrapper", "command_type"]
    public static let structuredFields = ["errors", "warnings", "tests"]

    public enum Format: String, Sendable { case toon, json }

    /// `indent` nil gives Python's `json.dumps(indent=None)` form, on one line.
    public static func format(_ result: JSONObject, as format: Format, indent: Int? = 2) -> String {
        switch format {
        case .toon: return toon(result)
        case .json: return json(result, indent: indent)
        }
    }

    /// The lines a build script's `run` writes to stderr before its result: `[EXEC] command` and,
    /// when the tool could not run, `error: message`. Escaped by `OneLine` like every value: the
    /// command holds the caller's arguments and the message may quote build output.
    public static func runNotice(_ result: JSONObject) -> String {
        var text = "[EXEC] \(result["command"]?.stringValue.map(OneLine.escape) ?? "")\n"
        if let message = result["message"]?.stringValue, !message.isEmpty { text += "error: \(OneLine.escape(message))\n" }
        return text
    }

    /// `run-config-key`'s text answer: the key `run` learns its timeout under.
    public static func commandKeyText(_ key: String) -> String {
        "status: success\ncommand_key: \(OneLine.escape(key))"
    }

    // MARK: TOON

    public static func toon(_ result: JSONObject) -> String {
        var lines: [String] = []
        for field in coreFields + extraFields {
            if let value = result[field], !value.isNull { lines.append("\(field)\t\(OneLine.cell(value))") }
        }
        // Why a tool could not run: without it a person sees only `execution_failed`.
        if let message = result["message"], !message.isNull { lines.append("message\t\(OneLine.cell(message))") }
        lines += ResultText.sections(result, .tabs)
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    /// The same fields in the documented order (known fields first, a caller's own extras after
    /// the scalar fields), 2-space indent, `null` for a missing file or line.
    public static func json(_ result: JSONObject, indent: Int? = 2) -> String {
        var ordered = JSONObject()
        for field in coreFields + extraFields { if let value = result[field] { ordered[field] = value } }
        for (key, value) in result where ordered[key] == nil && !structuredFields.contains(key) {
            ordered[key] = value
        }
        for field in structuredFields { if let value = result[field] { ordered[field] = normalizeSection(field, value) } }
        return JSONWriter.write(.object(ordered), indent: indent)
    }

    /// Issue rows always carry `file` and `line` (null when unknown), so consumers can index them.
    private static func normalizeSection(_ field: String, _ value: JSONValue) -> JSONValue {
        guard field != "tests", let rows = value.arrayValue else { return value }
        return .array(rows.map { row in
            guard var object = row.objectValue else { return row }
            if object["file"] == nil || object["line"] == nil {
                var filled = JSONObject([("file", object["file"] ?? .null), ("line", object["line"] ?? .null)])
                object["file"] = nil
                object["line"] = nil
                for (key, entry) in object { filled[key] = entry }
                object = filled
            }
            return .object(object)
        })
    }
}
