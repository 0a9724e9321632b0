import PlanBuildSupport
import PlanBuildModel

/// `parse --failures-detail` / `--test NAME` of pyproject_build: each failing test (and each
/// collection or set-up error) with what pytest printed about it, so a caller reads one failure
/// without the whole log.
enum FailureDetails {
    static func slice(_ outcome: ParseOutcome, test: String?) -> JSONObject {
        let failing = outcome.errors.filter {
            $0.category == IssueCategory.testFailure || $0.category == IssueCategory.testCollectionError
        }
        let chosen = test.map { name in
            failing.filter { $0.message.contains(name) || ($0.detail ?? $0.stackTrace ?? "").contains(name) }
        } ?? failing
        let rows: [JSONValue] = chosen.map { issue in
            .object(JSONObject([("file", issue.file.map(JSONValue.string) ?? .null), ("line", issue.line.map(JSONValue.int) ?? .null),
                                ("category", issue.category.map(JSONValue.string) ?? .null), ("message", .string(issue.message)),
                                ("detail", .string(issue.detail ?? issue.stackTrace ?? issue.message))]))
        }
        // A root cause is one distinct message: ten tests failing on one missing fixture are one.
        var causes = Set<String>()
        for issue in failing { causes.insert(issue.message) }
        var output = JSONObject([("status", "success"), ("total_failures", .int(failing.count)), ("root_causes", .int(causes.count))])
        if let test { output["test"] = .string(test) }
        output["matched"] = .int(chosen.count)
        output["failures"] = .array(rows)
        return output
    }
}
