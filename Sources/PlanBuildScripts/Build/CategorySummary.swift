import PlanBuildSupport
import PlanBuildModel

/// Today's `parse` summary: a count per category as the issues name it, and the totals
/// (`total_issues`, `total_errors`, `total_warnings`). Issues without a category count as
/// `other_errors` / `other_warnings` by severity.
public enum CategorySummary {
    public static func counts(_ issues: [Issue]) -> JSONObject {
        var counts = JSONObject()
        for issue in issues {
            let key = issue.category ?? (issue.severity == .error ? "other_errors" : "other_warnings")
            counts[key] = .int((counts[key]?.intValue ?? 0) + 1)
        }
        let errors = issues.filter { $0.severity == .error }.count
        counts["total_issues"] = .int(issues.count)
        counts["total_errors"] = .int(errors)
        counts["total_warnings"] = .int(issues.count - errors)
        return counts
    }
}
