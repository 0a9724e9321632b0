import PlanBuildSupport

/// Conversions between the core's result types and their JSON shapes: an issue in full (as
/// `parse` answers) and as a result row, test counts, a parsed log.
extension Issue {
    /// The full form (`Issue.to_dict()` of the Python module): every field, nulls included;
    /// `detail` when the tool printed more about it; `signature` (Issue.signature).
    public var fullJSON: JSONValue {
        var object = JSONObject([
            ("file", file.map(JSONValue.string) ?? .null),
            ("line", line.map(JSONValue.int) ?? .null),
            ("message", .string(message)),
            ("severity", .string(severity.rawValue)),
            ("category", category.map(JSONValue.string) ?? .null),
            ("stack_trace", stackTrace.map(JSONValue.string) ?? .null),
            ("accepted", .bool(accepted)),
        ])
        if let detail { object["detail"] = .string(detail) }
        object["signature"] = .string(signature)
        return .object(object)
    }

    /// The result row: `{file, line, message, category}`, plus `accepted` when it was marked.
    public func rowJSON(includeAccepted: Bool) -> JSONValue {
        var object = JSONObject([
            ("file", file.map(JSONValue.string) ?? .null),
            ("line", line.map(JSONValue.int) ?? .null),
            ("message", .string(message)),
            ("category", category.map(JSONValue.string) ?? .null),
        ])
        if includeAccepted { object["accepted"] = .bool(accepted) }
        return .object(object)
    }

    /// Reads any of the shapes above (and plain dicts from Python); nil when `message` is missing.
    public init?(json: JSONValue) {
        guard let object = json.objectValue, let message = object["message"]?.stringValue else { return nil }
        let severity = object["severity"]?.stringValue.flatMap(Severity.init(rawValue:)) ?? .warning
        self.init(
            file: object["file"]?.stringValue,
            line: object["line"]?.intValue,
            message: message,
            severity: severity,
            category: object["category"]?.stringValue,
            stackTrace: object["stack_trace"]?.stringValue,
            accepted: object["accepted"]?.boolValue ?? false,
            detail: object["detail"]?.stringValue
        )
    }
}

extension TestSummary {
    public var json: JSONValue {
        var object = JSONObject([("passed", .int(passed)), ("failed", .int(failed)), ("skipped", .int(skipped)), ("total", .int(total))])
        if let durationSeconds { object["duration_seconds"] = .double(durationSeconds) }
        return .object(object)
    }

    public init?(json: JSONValue) {
        guard let object = json.objectValue else { return nil }
        let passed = object["passed"]?.intValue ?? 0
        let failed = object["failed"]?.intValue ?? 0
        let skipped = object["skipped"]?.intValue ?? 0
        let duration = object["duration_seconds"]?.doubleValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
        self.init(passed: passed, failed: failed, skipped: skipped, total: object["total"]?.intValue, durationSeconds: duration)
    }
}

extension ParseOutcome {
    public var json: JSONValue {
        .object(JSONObject([
            ("build_status", buildStatus.map { .string($0.rawValue) } ?? .null),
            ("issues", .array(issues.map(\.fullJSON))),
            ("tests", tests?.json ?? .null),
        ]))
    }
}
