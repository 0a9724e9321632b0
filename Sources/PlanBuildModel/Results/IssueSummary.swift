import PlanBuildSupport

/// The `summary` of the build scripts' `parse`: how many issues of each kind, keyed as the
/// reference's scripts key them. Categories without a key of their own count as other errors
/// or other warnings by severity.
public enum IssueSummary {
    static let keys: [(category: String, key: String)] = [
        (IssueCategory.compilationError, "compilation_errors"), (IssueCategory.testFailure, "test_failures"),
        (IssueCategory.javadocWarning, "javadoc_warnings"), (IssueCategory.deprecationWarning, "deprecation_warnings"),
        (IssueCategory.uncheckedWarning, "unchecked_warnings"), (IssueCategory.dependencyError, "dependency_errors"),
        ("openrewrite_info", "openrewrite_info"),
    ]

    public static func counts(_ issues: [Issue]) -> JSONObject {
        var counts = keys.map { ($0.key, 0) } + [("other_warnings", 0), ("other_errors", 0)]
        for issue in issues {
            let key = keys.first { $0.category == issue.category }?.key
                ?? (issue.severity == .error ? "other_errors" : "other_warnings")
            if let index = counts.firstIndex(where: { $0.0 == key }) { counts[index].1 += 1 }
        }
        return JSONObject(counts.map { ($0.0, .int($0.1)) } + [("total_issues", .int(issues.count))])
    }
}

/// What `parse --mode` keeps of a parsed log: everything (default, structured), the errors
/// alone (errors), or all but OpenRewrite's notes (no-openrewrite).
public enum ParseMode: String, CaseIterable, Sendable {
    case `default`, errors, structured
    case noOpenRewrite = "no-openrewrite"

    public func keep(_ issues: [Issue]) -> [Issue] {
        switch self {
        case .default, .structured: return issues
        case .errors: return issues.filter { $0.severity == .error }
        case .noOpenRewrite: return issues.filter { $0.category != "openrewrite_info" }
        }
    }
}
