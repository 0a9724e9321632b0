import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration

/// The build scripts' `check-warnings`: sorts warnings a caller hands over (JSON objects of any
/// shape, from `parse` or elsewhere) into fixable (javadoc, compilation, deprecation, unchecked:
/// always), acceptable (a pattern accepts the message, or an OpenRewrite note), unknown (category
/// "other": a person must classify it) and fixable (the rest). Items are printed as given. Exit
/// code 1 while any is fixable or unknown, as the reference's script ends.
public enum WarningCheck {
    static let unclassified: Set<String> = [IssueCategory.other, "other_warnings"]
    /// Warnings the code must fix whatever the patterns say (the reference's rule).
    static let alwaysFixable: Set<String> = [IssueCategory.javadocWarning, IssueCategory.compilationError,
                                             IssueCategory.deprecationWarning, IssueCategory.uncheckedWarning]

    /// `warnings`: a JSON array of objects ("type" stands in for a missing "category"; items whose
    /// severity is not "warning", any case, are left out). `patterns`: the accepted patterns, or
    /// nil for the project's own (run-configuration.json of `layout`, under `system`).
    /// How items are sorted beyond the categories: the contract's scripts leave out items whose
    /// severity is not "warning"; today's count them as fixable (an error is never acceptable)
    /// and may read plain patterns as wildcards (`*`, `?`).
    public struct Rules: Sendable {
        public enum OtherSeverities: Sendable { case skip, fixable }
        public var otherSeverities = OtherSeverities.skip
        public var wildcards = false
        public init() {}
    }

    public static func check(_ warnings: JSONValue, patterns given: [String]?, system: String?,
                             layout: ProjectLayout, rules: Rules = Rules()) throws(PlanBuildError) -> ScriptAnswer {
        guard case .array(let list) = warnings else {
            throw PlanBuildError(.invalidValue, "warnings must be a JSON array of warning objects")
        }
        var objects: [JSONObject] = []
        for (index, element) in list.enumerated() {
            guard case .object(let object) = element else {
                throw PlanBuildError(.invalidValue, "warnings[\(index)] must be a JSON object")
            }
            objects.append(object)
        }
        var patterns = given ?? []
        if given == nil, let system { patterns = try AcceptedWarnings.configured(system: system, layout: layout) }
        // Patterns copied from a Maven log keep its "[WARNING]" prefix; the messages do not.
        let matcher = WarningPatterns(patterns.map { $0.hasPrefix("[WARNING]") ? String($0.dropFirst(9)).strippedOfWhitespace() : $0 },
                                      wildcards: rules.wildcards)
        var acceptable: [JSONValue] = [], fixable: [JSONValue] = [], unknown: [JSONValue] = []
        for var item in objects {
            guard (item["severity"].map(text) ?? "warning").lowercased() == "warning" else {
                if rules.otherSeverities == .fixable { fixable.append(.object(item)) }
                continue
            }
            let category = item["category"]?.stringValue ?? item["type"]?.stringValue ?? IssueCategory.other
            if alwaysFixable.contains(category) {
                fixable.append(.object(item))
            } else if matcher.accepts(item["message"].map(text) ?? "") || category == "openrewrite_info" {
                acceptable.append(.object(item))
            } else if unclassified.contains(category) {
                item["requires_classification"] = true
                unknown.append(.object(item))
            } else {
                fixable.append(.object(item))
            }
        }
        let output = JSONObject([
            ("success", true), ("total", .int(acceptable.count + fixable.count + unknown.count)),
            ("acceptable", .int(acceptable.count)), ("fixable", .int(fixable.count)), ("unknown", .int(unknown.count)),
            ("categorized", .object(JSONObject([("acceptable", .array(acceptable)), ("fixable", .array(fixable)),
                                                ("unknown", .array(unknown))]))),
        ])
        return ScriptAnswer(output, exitCode: fixable.isEmpty && unknown.isEmpty ? 0 : 1)
    }

    /// The patterns of `--patterns` (a list of strings) or else of `--acceptable-warnings` (a list,
    /// or an object of category → list); nil when neither is given.
    public static func patterns(explicit: JSONValue?, acceptable: JSONValue?) throws(PlanBuildError) -> [String]? {
        if let explicit, !explicit.isNull {
            guard case .array(let list) = explicit, list.allSatisfy({ $0.stringValue != nil }) else {
                throw PlanBuildError(.invalidValue, "patterns must be a JSON array of strings")
            }
            return list.compactMap(\.stringValue)
        }
        switch acceptable {
        case .array?, .object?: return WarningPatterns.flatten(acceptable)
        default: return nil
        }
    }

    /// A member as Python's str() shows it, for messages and severities given as other types.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): return string
        default: return JSONWriter.writeCompact(value)
        }
    }
}
