/// Reads Maven 3 console output (batch or coloured, with or without `-q`).
///
/// What it reports: javac errors and warnings with file and line (their `symbol:`/`location:`
/// continuation joined to the message; the copy under `Failed to execute goal` is the same issue),
/// failing and erroring tests from surefire's summary with the test's file and line,
/// dependency failures and plugin failures that nothing else explains, and the test totals of
/// every module.
public struct MavenLogParser: LogParser {
    private var collector = IssueCollector()
    private var tests: TestSummary?
    private var sawSuccess = false
    private var sawFailure = false
    /// The issue whose continuation lines may follow (javac `symbol:` lines).
    private var openIssue: Int?
    private var section: Section = .none
    /// Simple test class name → fully qualified name, from `Tests run: … - in demo.ATest`.
    private var testClasses: [String: String] = [:]
    /// Goal failures are kept until the end: they are issues only when nothing else explains them.
    private var goalFailures: [Issue] = []

    private enum Section { case none, failures, errors }

    public init() {}

    public mutating func consume(_ raw: UnsafeBufferPointer<UInt8>) {
        guard raw.count > 0 else { openIssue = nil; return }
        // Cheap rejection first: almost every line of a healthy log is [INFO] chatter.
        if raw.hasPrefix("[INFO]") {
            if raw.contains("BUILD SUCCESS") { sawSuccess = true }
            else if raw.contains("BUILD FAILURE") { sawFailure = true }
            else if raw.contains("Tests run:") { countTests(raw.text) }
            openIssue = nil
            section = .none
            return
        }
        let line = raw.text
        if line.hasPrefix("[ERROR]") {
            handleError(Self.body(of: line, prefix: "[ERROR]"))
        } else if line.hasPrefix("[WARNING]") {
            handleWarning(Self.body(of: line, prefix: "[WARNING]"))
        } else if let index = openIssue, Self.isContinuation(line) {
            collector.appendToMessage(at: index, line.trimmed)
        } else {
            openIssue = nil
            if line.contains("Tests run:") { countTests(line) }
            else if line.contains("BUILD SUCCESS") { sawSuccess = true }
            else if line.contains("BUILD FAILURE") { sawFailure = true }
        }
    }

    public mutating func finish() -> ParseOutcome {
        let explained = collector.contains { $0.severity == .error }
        for failure in goalFailures where !explained || failure.category == IssueCategory.dependencyError {
            collector.add(failure)
        }
        let failed = sawFailure || (!sawSuccess && collector.contains { $0.severity == .error })
        return ParseOutcome(issues: collector.issues, tests: tests, buildStatus: failed ? .failure : .success)
    }

    // MARK: Lines

    private static func body(of line: String, prefix: String) -> String {
        String(line.dropFirst(prefix.count)).trimmingLeadingSpaces
    }

    /// javac's detail lines: `  symbol:   method foo()`, `  location: class demo.Service`, …
    private static func isContinuation(_ line: String) -> Bool {
        let trimmed = line.trimmed
        for label in ["symbol:", "location:", "required:", "found:", "reason:", "where ", "first type:", "second type:"]
        where trimmed.hasPrefix(label) { return true }
        return false
    }

    private mutating func handleError(_ body: String) {
        if body.isEmpty { openIssue = nil; return }
        if let index = openIssue, Self.isContinuation(body) {
            // The repeated copy under `Failed to execute goal` carries `[ERROR]`-prefixed details;
            // they belong to the first copy, which already has them.
            if !collector.issues[index].message.contains(body.trimmed) {
                collector.appendToMessage(at: index, body.trimmed)
            }
            return
        }
        openIssue = nil
        if body.hasPrefix("Tests run:") { countTests(body); return }
        if body == "Failures:" || (body.hasPrefix("Failures: ") && !body.contains(",")) { section = .failures; return }
        if body == "Errors:" || (body.hasPrefix("Errors: ") && !body.contains(",")) { section = .errors; return }
        if let compile = Self.compilerDiagnostic(body, severity: .error) {
            if let added = collector.add(compile) {
                openIssue = added
            } else {
                let key = IssueCollector.key(compile)
                openIssue = collector.issues.firstIndex { IssueCollector.key($0) == key }
            }
            return
        }
        if section != .none, let failure = testFailure(body) {
            collector.add(failure)
            return
        }
        if body.hasPrefix("Failed to execute goal") {
            goalFailures.append(Self.goalFailure(body))
            return
        }
        // Everything else under [ERROR] is Maven's own boilerplate (help links, -X advice, the
        // "After correcting the problems" block, blank separators, the COMPILATION ERROR banner).
    }

    private mutating func handleWarning(_ body: String) {
        openIssue = nil
        section = .none
        // Surefire prints a module's totals as a warning when some tests were skipped.
        if body.hasPrefix("Tests run:") { countTests(body); return }
        guard let warning = Self.compilerDiagnostic(body, severity: .warning) else { return }
        if let added = collector.add(warning) { openIssue = added }
    }

    /// `/path/F.java:[12,9] message`, and javadoc's `/path/F.java:12: warning: message`.
    static func compilerDiagnostic(_ body: String, severity: Issue.Severity) -> Issue? {
        if let bracket = body.firstRange(of: ":["), let close = body[bracket.upperBound...].firstIndex(of: "]") {
            let file = String(body[..<bracket.lowerBound])
            guard file.hasSuffix(".java") || file.hasSuffix(".kt") || file.contains("/") else { return nil }
            let position = body[bracket.upperBound..<close].split(separator: ",")
            let line = position.first.flatMap { Int($0.trimmed) }
            let message = String(body[body.index(after: close)...]).trimmed
            return Issue(file: file, line: line, message: message, severity: severity,
                         category: category(for: message, severity: severity))
        }
        if severity == .warning, let marker = body.firstRange(of: ": warning: ") {
            let location = body[..<marker.lowerBound]
            guard let colon = location.lastIndex(of: ":"), let line = Int(location[location.index(after: colon)...]) else { return nil }
            let message = String(body[marker.upperBound...]).trimmed
            return Issue(file: String(location[..<colon]), line: line, message: message, severity: .warning,
                         category: IssueCategory.javadocWarning)
        }
        return nil
    }

    static func category(for message: String, severity: Issue.Severity) -> String {
        if severity == .error { return IssueCategory.compilationError }
        let lowered = message.lowercased()
        if lowered.contains("[deprecation]") || lowered.contains("deprecated") { return IssueCategory.deprecationWarning }
        if lowered.contains("[unchecked]") || lowered.contains("unchecked") { return IssueCategory.uncheckedWarning }
        return IssueCategory.other
    }

    /// Surefire's summary rows: `ATest.bad:3 expected:<1> but was:<2>`, `ATest.boom:12 » IllegalState boom`,
    /// and the older `bad(demo.ATest)  Time elapsed…` form.
    private func testFailure(_ body: String) -> Issue? {
        let text = body.trimmed
        if text.hasPrefix("Run ") { return nil }
        let space = text.firstIndex(of: " ") ?? text.endIndex
        let head = String(text[..<space])
        let detail = String(text[space...]).trimmed.trimmingPrefix("» ")
        var className: String
        let method: String
        var line: Int?
        if let open = head.firstIndex(of: "("), head.hasSuffix(")") {
            method = String(head[..<open])
            className = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
        } else {
            let parts = head.split(separator: ":")
            guard let target = parts.first, let dot = target.lastIndex(of: ".") else { return nil }
            className = String(target[..<dot])
            method = String(target[target.index(after: dot)...])
            if parts.count > 1 { line = Int(String(parts[1].prefix(while: { $0.isNumber }))) }
        }
        // Multi-line assertion messages continue on rows without a test name; those are skipped.
        guard !className.isEmpty, !method.isEmpty, className.first?.isLetter == true,
              method.first?.isLetter == true || method.first == "_" else { return nil }
        let qualified = testClasses[className] ?? (className.contains(".") ? className : nil)
        let file = (qualified ?? className).replacingOccurrences(of: ".", with: "/") + ".java"
        if let short = className.split(separator: ".").last { className = String(short) }
        let message = detail.isEmpty ? "\(className).\(method) failed" : "\(className).\(method): \(detail)"
        return Issue(file: file, line: line, message: message, severity: .error, category: IssueCategory.testFailure)
    }

    private static func goalFailure(_ body: String) -> Issue {
        let lowered = body.lowercased()
        let isDependency = lowered.contains("could not resolve dependencies") || lowered.contains("failed to read artifact descriptor")
            || lowered.contains("could not be resolved") || lowered.contains("dependencyresolutionexception")
        let message = body.replacingOccurrences(of: " -> [Help 1]", with: "")
        return Issue(file: nil, line: nil, message: message, severity: .error,
                     category: isDependency ? IssueCategory.dependencyError : IssueCategory.buildError)
    }

    /// Adds a module's totals (`Tests run: 5, Failures: 1, Errors: 0, Skipped: 1`) and remembers
    /// class names from per-class lines (`… - in demo.ATest`), which are not added: the module
    /// line already counts them.
    private mutating func countTests(_ line: String) {
        guard let start = line.firstRange(of: "Tests run:") else { return }
        let tail = line[start.lowerBound...]
        if let inMarker = tail.firstRange(of: " - in ") {
            let name = String(tail[inMarker.upperBound...]).trimmed
            if let short = name.split(separator: ".").last { testClasses[String(short)] = name }
            return
        }
        if tail.contains("Time elapsed") { return }
        func number(after label: String) -> Int {
            guard let range = tail.firstRange(of: label) else { return 0 }
            return Int(String(tail[range.upperBound...].trimmingLeadingSpaces.prefix(while: { $0.isNumber }))) ?? 0
        }
        let run = number(after: "Tests run:")
        let failures = number(after: "Failures:")
        let errors = number(after: "Errors:")
        let skipped = number(after: "Skipped:")
        let summary = TestSummary(passed: max(0, run - failures - errors - skipped), failed: failures + errors,
                                  skipped: skipped, total: run)
        if tests == nil { tests = summary } else { tests! += summary }
    }
}

extension StringProtocol {
    var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    var trimmingLeadingSpaces: String {
        String(String.UnicodeScalarView(unicodeScalars.drop(while: { $0 == " " || $0 == "\t" })))
    }

    func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : String(self)
    }
}
