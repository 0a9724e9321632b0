import PlanBuildOrchestration

/// A run as JUnit XML, the form Jenkins and GitLab read: one `<testsuite>` per module
/// build. Its first test case is the build itself (a failure when the build failed or timed out,
/// skipped when it never ran or was cancelled); each error of the build follows as a failed test
/// case with the file and line (attributes `file` and `line`, and in the failure's text). The
/// tool's own test counts are kept as properties: the log gives counts, not every passing test's
/// name, and a made-up test case per passed test would be a lie. Counts on every element are those
/// of the test cases written, so any reader's totals agree.
extension RunReport {
    public var junitXML: String {
        var suites: [String] = []
        var totals = (tests: 0, failures: 0, skipped: 0)
        for build in builds {
            let (text, counts) = Self.junitSuite(build)
            suites.append(text)
            totals.tests += counts.tests
            totals.failures += counts.failures
            totals.skipped += counts.skipped
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(XMLText.attribute("planbuild \(command)"))\" tests=\"\(totals.tests)\" "
            + "failures=\"\(totals.failures)\" errors=\"0\" skipped=\"\(totals.skipped)\" time=\"\(Self.seconds(durationMilliseconds))\">\n"
            + suites.joined() + "</testsuites>\n"
    }

    private static func junitSuite(_ build: BuildReport) -> (String, (tests: Int, failures: Int, skipped: Int)) {
        let attribute = XMLText.attribute
        var cases: [String] = []
        var failures = 0, skipped = 0
        let buildCase = "    <testcase name=\"\(attribute(build.command))\" classname=\"\(attribute(build.module))\" "
            + "time=\"\(seconds(build.durationMilliseconds))\""
        switch build.status {
        case .error, .timeout, .killed:
            failures += 1
            let why = build.status == .timeout ? "timed out" : (build.reason ?? "build failed")
            let message = "\(build.status.rawValue): \(build.errors.count) errors" + (build.exitCode.map { ", exit code \($0)" } ?? "")
            cases.append(buildCase + ">\n      <failure message=\"\(attribute(message))\" type=\"\(build.status.rawValue)\">"
                + XMLText.content(why) + "</failure>\n    </testcase>\n")
        case .skipped, .cancelled:
            skipped += 1
            cases.append(buildCase + ">\n      <skipped message=\"\(attribute(build.reason ?? build.status.rawValue))\"/>\n    </testcase>\n")
        case .success, .cached:
            cases.append(buildCase + "/>\n")
        }
        for issue in build.errors {
            failures += 1
            let category = issue.category ?? "other"
            let place = (issue.file ?? "") + (issue.line.map { ":\($0)" } ?? "")
            var testcase = "    <testcase name=\"\(attribute(issue.message))\" classname=\"\(attribute("\(build.module).\(category)"))\""
            if let file = issue.file { testcase += " file=\"\(attribute(file))\"" }
            if let line = issue.line { testcase += " line=\"\(line)\"" }
            testcase += " time=\"0\">\n      <failure message=\"\(attribute(issue.message))\" type=\"\(attribute(category))\">"
            testcase += XMLText.content((place.isEmpty ? "" : place + ": ") + issue.message + (issue.stackTrace.map { "\n" + $0 } ?? ""))
            testcase += "</failure>\n    </testcase>\n"
            cases.append(testcase)
        }
        var properties = [("command", build.command), ("status", build.status.rawValue), ("warnings", String(build.warningCount))]
        if let logFile = build.logFile { properties.append(("log_file", logFile)) }
        if let tests = build.tests {
            properties += [("tests_total", String(tests.total)), ("tests_passed", String(tests.passed)),
                           ("tests_failed", String(tests.failed)), ("tests_skipped", String(tests.skipped))]
        }
        let propertyText = properties.map { "      <property name=\"\($0.0)\" value=\"\(attribute($0.1))\"/>\n" }.joined()
        let suite = "  <testsuite name=\"\(attribute(build.module))\" tests=\"\(cases.count)\" failures=\"\(failures)\" "
            + "errors=\"0\" skipped=\"\(skipped)\" time=\"\(seconds(build.durationMilliseconds))\">\n"
            + "    <properties>\n" + propertyText + "    </properties>\n" + cases.joined() + "  </testsuite>\n"
        return (suite, (cases.count, failures, skipped))
    }

    private static func seconds(_ milliseconds: Int) -> String {
        "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - String(milliseconds % 1000).count))\(milliseconds % 1000)"
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
