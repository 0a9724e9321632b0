import PlanBuildSupport
import PlanBuildModel
import PlanBuildOrchestration

/// A run as JUnit XML, the form Jenkins and GitLab read: one `<testsuite>` per module build with
/// one `<testcase>` per test the tool ran, so every reader's counts are the tool's.
/// - The tests come from the tools' own reports (TestReports: Surefire/Failsafe, Gradle,
///   pytest `--junitxml`, node's JUnit reporter), merged per module. Without a report they come
///   from the log: each failed test the log names is a failed case under its name, and the tests it
///   only counts are cases named for what they are (`passed test 2 of 3, not named in the log`)
///   — as many as the tool counted, none made up.
/// - The build itself is a case (named by its command) only when no test tells how it ended: it
///   has no tests (it never ran, was skipped or cancelled, or runs none), or it failed for more than
///   its failed tests (a compile error, a timeout) — each error that is no failed test then a failed
///   case with `file` and `line`.
/// Counts on every element are those of the cases written; names carry no line break.
extension RunReport {
    public var junitXML: String {
        var suites: [String] = []
        var totals = Counts()
        for build in builds {
            let (text, counts) = Self.junitSuite(build)
            suites.append(text)
            totals.add(counts)
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(XMLText.attribute("planbuild \(command)"))\" tests=\"\(totals.tests)\" "
            + "failures=\"\(totals.failures)\" errors=\"\(totals.errors)\" skipped=\"\(totals.skipped)\" "
            + "time=\"\(Self.seconds(durationMilliseconds))\">\n"
            + suites.joined() + "</testsuites>\n"
    }

    private struct Counts {
        var tests = 0, failures = 0, errors = 0, skipped = 0
        mutating func add(_ other: Counts) {
            tests += other.tests
            failures += other.failures
            errors += other.errors
            skipped += other.skipped
        }
    }

    private static func junitSuite(_ build: BuildReport) -> (String, Counts) {
        let attribute = XMLText.attribute
        var counts = Counts()
        var cases: [String] = []
        let tests = build.testCases.isEmpty ? testsFromLog(build) : build.testCases
        for test in tests {
            cases.append(testCase(test))
            counts.tests += 1
            switch test.outcome {
            case .passed: break
            case .failed: counts.failures += 1
            case .error: counts.errors += 1
            case .skipped: counts.skipped += 1
            }
        }
        let testFailed = tests.contains { $0.outcome == .failed || $0.outcome == .error }
        // The errors that are no failed test (a compile error): failed tests are cases of their own.
        let buildErrors = build.errors.filter { tests.isEmpty || $0.category != IssueCategory.testFailure }
        if tests.isEmpty || (build.failed && (!testFailed || !buildErrors.isEmpty)) {
            let buildCase = "    <testcase name=\"\(attribute(OneLine.escape(build.command)))\" "
                + "classname=\"\(attribute(OneLine.escape(build.module)))\" time=\"\(seconds(build.durationMilliseconds))\""
            counts.tests += 1
            switch build.status {
            case .error, .timeout, .killed:
                counts.failures += 1
                let why = build.status == .timeout ? "timed out" : (build.reason ?? "build failed")
                let message = "\(build.status.rawValue): \(build.errors.count) errors" + (build.exitCode.map { ", exit code \($0)" } ?? "")
                cases.append(buildCase + ">\n      <failure message=\"\(attribute(message))\" type=\"\(build.status.rawValue)\">"
                    + XMLText.content(why) + "</failure>\n    </testcase>\n")
            case .skipped, .cancelled:
                counts.skipped += 1
                cases.append(buildCase + ">\n      <skipped message=\"\(attribute(build.reason ?? build.status.rawValue))\"/>\n    </testcase>\n")
            case .success, .cached:
                cases.append(buildCase + "/>\n")
            }
            for issue in buildErrors {
                counts.tests += 1
                counts.failures += 1
                cases.append(errorCase(issue, module: build.module))
            }
        }
        var properties = [("command", build.command), ("status", build.status.rawValue), ("warnings", String(build.warningCount))]
        if let logFile = build.logFile { properties.append(("log_file", logFile)) }
        properties.append(("tests_source", build.testCases.isEmpty ? (build.tests == nil ? "none" : "log") : "reports"))
        let propertyText = properties.map { "      <property name=\"\($0.0)\" value=\"\(attribute($0.1))\"/>\n" }.joined()
        let suite = "  <testsuite name=\"\(attribute(OneLine.escape(build.module)))\" tests=\"\(counts.tests)\" "
            + "failures=\"\(counts.failures)\" errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\" "
            + "time=\"\(seconds(build.durationMilliseconds))\">\n"
            + "    <properties>\n" + propertyText + "    </properties>\n" + cases.joined() + "  </testsuite>\n"
        return (suite, counts)
    }

    private static func testCase(_ test: TestCaseResult) -> String {
        let attribute = XMLText.attribute
        var text = "    <testcase name=\"\(attribute(OneLine.escape(test.name)))\" classname=\"\(attribute(OneLine.escape(test.suite)))\""
            + " time=\"\(seconds(test.milliseconds ?? 0))\""
        let message = attribute(OneLine.escape(test.message ?? ""))
        switch test.outcome {
        case .passed: return text + "/>\n"
        case .skipped: return text + ">\n      <skipped message=\"\(message)\"/>\n    </testcase>\n"
        case .failed, .error:
            let element = test.outcome == .failed ? "failure" : "error"
            text += ">\n      <\(element) message=\"\(message)\">" + XMLText.content(test.detail ?? test.message ?? "")
            return text + "</\(element)>\n    </testcase>\n"
        }
    }

    private static func errorCase(_ issue: Issue, module: String) -> String {
        let attribute = XMLText.attribute
        let category = issue.category ?? "other"
        let place = (issue.file ?? "") + (issue.line.map { ":\($0)" } ?? "")
        var testcase = "    <testcase name=\"\(attribute(OneLine.escape(firstLine(issue.message))))\" "
            + "classname=\"\(attribute(OneLine.escape("\(module).\(category)")))\""
        if let file = issue.file { testcase += " file=\"\(attribute(file))\"" }
        if let line = issue.line { testcase += " line=\"\(line)\"" }
        testcase += " time=\"0\">\n      <failure message=\"\(attribute(OneLine.escape(firstLine(issue.message))))\" type=\"\(attribute(category))\">"
        testcase += XMLText.content((place.isEmpty ? "" : place + ": ") + issue.message + (issue.stackTrace.map { "\n" + $0 } ?? ""))
        return testcase + "</failure>\n    </testcase>\n"
    }

    /// The tests of a build whose tool wrote no report, from its log: the failed tests it names,
    /// then, to reach the tool's counts, a case for each test it only counted.
    private static func testsFromLog(_ build: BuildReport) -> [TestCaseResult] {
        guard let counts = build.tests else { return [] }
        var tests: [TestCaseResult] = []
        let named = build.errors.filter { $0.category == IssueCategory.testFailure }.prefix(max(0, counts.failed))
        for issue in named {
            let place = (issue.file ?? "") + (issue.line.map { ":\($0)" } ?? "")
            tests.append(TestCaseResult(suite: issue.file ?? build.module, name: firstLine(issue.message), outcome: .failed,
                                        message: firstLine(issue.message),
                                        detail: (place.isEmpty ? "" : place + ": ") + issue.message + (issue.stackTrace.map { "\n" + $0 } ?? "")))
        }
        func unnamed(_ count: Int, _ word: String, _ outcome: TestCaseResult.Outcome) {
            guard count > 0 else { return }
            for number in 1...min(count, 100_000) {
                tests.append(TestCaseResult(suite: build.module, name: "\(word) test \(number) of \(count), not named in the log",
                                            outcome: outcome, message: outcome == .passed ? nil : "\(word) (the log names no test)"))
            }
        }
        unnamed(counts.failed - named.count, "failed", .failed)
        unnamed(counts.passed, "passed", .passed)
        unnamed(counts.skipped, "skipped", .skipped)
        return tests
    }

    private static func firstLine(_ text: String) -> String {
        text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first.map(String.init) ?? text
    }

    private static func seconds(_ milliseconds: Int) -> String {
        let value = max(0, milliseconds)
        return "\(value / 1000).\(String(repeating: "0", count: 3 - String(value % 1000).count))\(value % 1000)"
    }
}

/// Text made safe for XML 1.0: the five special characters escaped, characters XML cannot carry
/// (control characters other than tab and line breaks, lone surrogates cannot occur in Swift)
/// replaced by U+FFFD; in attributes, tab and line breaks as character references so that they
/// survive attribute normalisation.
enum XMLText {
    static func content(_ text: String) -> String { escape(text, attribute: false) }
    static func attribute(_ text: String) -> String { escape(text, attribute: true) }

    private static func escape(_ text: String, attribute: Bool) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where attribute: output += "&quot;"
            case "\n" where attribute: output += "&#10;"
            case "\r": output += "&#13;"
            case "\t" where attribute: output += "&#9;"
            case "\n", "\t": output.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { output += "\u{FFFD}" } else { output.unicodeScalars.append(scalar) }
            }
        }
        return output
    }
}
