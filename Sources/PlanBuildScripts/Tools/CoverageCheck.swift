import PlanBuildSupport
import PlanBuildModel

/// Where each tool writes its coverage report, in the order they are looked for.
enum CoverageLocations {
    static func candidates(_ system: BuildSystem) -> [String] {
        switch system {
        case .maven: return ["target/site/jacoco/jacoco.xml", "target/jacoco/report.xml", "target/site/jacoco-aggregate/jacoco.xml"]
        case .gradle: return ["build/reports/jacoco/test/jacocoTestReport.xml", "build/reports/jacoco/jacocoTestReport.xml"]
        case .npm: return ["coverage/coverage-summary.json", "coverage/lcov.info"]
        case .python: return ["coverage.xml", "build/coverage.xml", "htmlcov/coverage.xml"]
        }
    }

    static func missingMessage(_ system: BuildSystem) -> String {
        switch system {
        case .maven, .gradle: return "No JaCoCo XML report found. Run a coverage build first."
        case .npm: return "No coverage-summary.json or lcov.info found. Run the tests with coverage first."
        case .python: return "No coverage.xml found. Run the tests with coverage (coverage xml) first."
        }
    }
}

/// A coverage report held against a line-coverage threshold: passed, the overall numbers, and
/// the classes or files below it.
struct CoverageCheck {
    let report: CoverageReport
    let threshold: Int
    let path: String

    var passed: Bool { (report.lineCoverage ?? -1) >= Double(threshold) }

    var output: JSONObject {
        var output = JSONObject([("status", "success"), ("passed", .bool(passed)), ("threshold", .int(threshold)),
                                 ("format", .string(report.format.rawValue)), ("report_path", .string(path))])
        output["overall"] = .object(JSONObject(report.overall.map { ($0.0, .double($0.1)) }))
        let low = report.items.filter { ($0.line ?? 100) < Double(threshold) }.map { item -> JSONValue in
            .object(JSONObject([(report.itemKind, .string(item.name)),
                                ("line", item.line.map(JSONValue.double) ?? .null),
                                ("branch", item.metrics.first { $0.0 == "branch" }.map { .double($0.1) } ?? .null)]))
        }
        output["low_coverage"] = .array(low)
        if let line = report.lineCoverage {
            output["message"] = .string(passed ? "Line coverage \(line)% meets threshold \(threshold)%"
                                               : "Line coverage \(line)% below threshold \(threshold)%")
        } else {
            output["message"] = .string("The report holds no line coverage: below threshold \(threshold)% (nothing measured)")
        }
        return output
    }
}
