import PlanBuildModel

/// Reads Maven 3 console output (batch or coloured, with or without `-q`, old and new surefire).
///
/// What it reports: javac errors and warnings with file and line (their `symbol:`/`location:`
/// continuation joined to the message; the copy under `Failed to execute goal` is the same issue),
/// javadoc warnings, one `test_failure` per failing or erroring test with the test's file and line
/// (surefire's detail block and its summary are merged), dependency failures, plugin failures that
/// nothing else explains, and the test totals of every module.
///
/// Lines are classified on their bytes first: `[INFO]` chatter costs a prefix compare and one
/// byte, and no String is made for a line that is not a diagnostic. Every collection is bounded.
public struct MavenLogParser: LogParser {
    private var sink = JVMIssueSink()
    private var pending = JVMPendingDiagnostic()
    private var failures = JVMTestFailures()
    private var detail = JVMTestDetail()
    /// Module totals (surefire's `Results` line) summed over the build.
    private var totals: TestSummary?
    /// Per-class `Tests run:` lines since the last module total: counted only when a test run
    /// ends without a total (a log cut short).
    private var classCounts: TestSummary?
    /// Simple test class name → qualified name, from `Tests run: … - in demo.ATest` / `Running demo.ATest`.
    private var testClasses: [String: String] = [:]
    private static let maximumTestClasses = 10_000
    /// The class of the last `Running …`/`Tests run: … - in …` line, kept as bytes (a String is
    /// made only when a JUnit 5 detail header names a bare method).
    private var lastTestClassBytes = JVMTextBuffer(limit: 512)
    private var lastTestClass: String? { lastTestClassBytes.isEmpty ? nil : lastTestClassBytes.string }
    private var section: Section = .none
    private var plugin: Plugin = .other
    /// Inside the `Failed to execute goal` block at the end: what follows repeats or explains it.
    private var inGoalBlock = false
    private var goalFailures: [GoalFailure] = []
    private static let maximumGoalFailures = 256
    /// `[ERROR]` lines of no known shape: issues only when nothing else explains a failed build.
    private var otherErrors: [(issue: Issue, execution: UInt64)] = []
    private static let maximumOtherErrors = 32
    private var javadocErrors = 0
    /// Lines whose handling is done once (goal failures, tool warnings, summary rows, test names).
    private var seen = JVMSeenLines()
    private var sawSuccess = false
    private var sawFailure = false
    private var inReactorSummary = false
    /// The plugin and module running now (a hash of them, from `--- plugin:version:goal (id) @ module ---`):
    /// file-less messages of two modules or two plugins are two issues; the compile and testCompile
    /// goals of one plugin in one module are one source.
    private var executionLine = JVMTextBuffer(limit: 512)
    private var executionHash: UInt64?
    /// An enforcer rule failure being read: `Rule 0: …RequireProperty failed with message:` and the
    /// unprefixed lines of its message.
    private var enforcerRule: EnforcerRule?
    private var enforcerFailures = 0
    private struct EnforcerRule {
        var rule: String
        var severity: Issue.Severity
        var repeated: Bool
        var lines: [String] = []
    }
    /// A module reported FAILURE in the reactor summary: the build failed, with or without a BUILD line.
    private var reactorFailure = false

    private enum Section { case none, failures, errors, flakes }
    /// A level tag alone on its line (`[WARNING]` with nothing after it): the next line's level
    /// when that line has no tag of its own (Maven prints a message that starts with a line break
    /// so, e.g. the enforcer's dependency-convergence report). Maven's own blank `[ERROR] ` lines
    /// are followed by tagged lines, so they stay blank.
    private enum BareLevel { case none, info, warning, error }
    private var bareLevel: BareLevel = .none
    private enum Plugin { case other, javadoc }
    private enum GoalKind { case compile, tests, javadoc, dependency, enforcer, other }
    private struct GoalFailure {
        var message: String
        var kind: GoalKind
    }

    public init() {}

    @inline(__always)
    public mutating func consume(_ line: UnsafeBufferPointer<UInt8>) {
        guard let first = line.first else { bareLevel = .none; endBlocks(); return }
        if bareLevel != .none, underBareLevel(line, first) { return }
        if first == UInt8(ascii: "[") {
            if ByteScan.has(line, "[INFO]") {
                if line.count == 6 { bareLevel = .info; endBlocks(); return }
                info(line)
                return
            }
            if ByteScan.has(line, "[ERROR]") {
                if ByteScan.skipSpaces(line, from: 7) == line.count { bareLevel = .error }
                prefixed(line, body: 7, severity: .error)
                return
            }
            if ByteScan.has(line, "[WARNING]") {
                if ByteScan.skipSpaces(line, from: 9) == line.count { bareLevel = .warning }
                prefixed(line, body: 9, severity: .warning)
                return
            }
            if ByteScan.has(line, "[DEBUG]") { return }
        }
        unprefixed(line)
    }

    /// The text under a level tag that stood alone on its line (as some CI consoles and log
    /// splitters print it): the two lines are one. Returns whether the line was read so.
    private mutating func underBareLevel(_ line: JVMLine, _ first: UInt8) -> Bool {
        let level = bareLevel
        bareLevel = .none
        guard first != UInt8(ascii: "[") || Self.levelTag(line) == nil else { return false }
        switch level {
        case .info: info(line, at: 0)
        case .error: prefixed(line, body: 0, severity: .error)
        case .warning: prefixed(line, body: 0, severity: .warning)
        case .none: return false
        }
        return true
    }

    /// `[INFO]`, `[ERROR]`, `[WARNING]`, `[DEBUG]` at the start of the line.
    private static func levelTag(_ line: JVMLine) -> BareLevel? {
        if ByteScan.has(line, "[INFO]") { return .info }
        if ByteScan.has(line, "[ERROR]") { return .error }
        if ByteScan.has(line, "[WARNING]") { return .warning }
        if ByteScan.has(line, "[DEBUG]") { return BareLevel.none }
        return nil
    }

    public mutating func finish() -> ParseOutcome {
        endBlocks()
        flushClassCounts()
        for issue in failures.issues(qualify: { testClasses[$0] }) { sink.add(issue) }
        let testsFailed = !failures.isEmpty || (totals?.failed ?? 0) > 0
        for goal in goalFailures {
            let explained: Bool
            switch goal.kind {
            case .dependency: explained = false
            case .compile: explained = sink.compileErrorCount > 0
            case .tests: explained = testsFailed
            case .javadoc: explained = javadocErrors > 0
            case .enforcer: explained = enforcerFailures > 0
            case .other: explained = false
            }
            if !explained {
                sink.add(Issue(file: nil, line: nil, message: goal.message, severity: .error,
                               category: goal.kind == .dependency ? IssueCategory.dependencyError : IssueCategory.buildError))
            }
        }
        if sink.errorCount == 0, goalFailures.isEmpty, sawFailure || !sawSuccess {
            for other in otherErrors { sink.add(other.issue, context: other.execution) }
        }
        // Maven's BUILD line decides; without one (a log cut short, -q, a CI log of one step), what
        // the log shows: errors, a failed goal or a FAILURE row of the reactor summary; else unknown.
        let status: ParseOutcome.BuildStatus?
        if sawFailure { status = .failure }
        else if sawSuccess { status = .success }
        else if sink.errorCount > 0 || !goalFailures.isEmpty || reactorFailure || testsFailed { status = .failure }
        else { status = nil }
        return ParseOutcome(issues: sink.issues, tests: totals, buildStatus: status)
    }

    // MARK: Line kinds

    private mutating func info(_ line: JVMLine, at: Int = 7) {
        endBlocks()
        switch ByteScan.byte(line, at) {
        case 0, ByteScan.space:
            return // a blank [INFO] line: the surefire summary goes on
        case UInt8(ascii: "B"):
            if ByteScan.has(line, "BUILD SUCCESS", at: at) { sawSuccess = true; inReactorSummary = false }
            else if ByteScan.has(line, "BUILD FAILURE", at: at) { sawFailure = true; inReactorSummary = false }
        case UInt8(ascii: "T"):
            if ByteScan.has(line, "Tests run:", at: at) { countTests(line, from: at) }
        case UInt8(ascii: "R"):
            if ByteScan.has(line, "Running ", at: at) { rememberRunning(line, from: at + 8) }
            else if ByteScan.has(line, "Reactor Summary", at: at) { inReactorSummary = true; return }
        case UInt8(ascii: "S"):
            if ByteScan.has(line, "Scanning for projects", at: at) { inGoalBlock = false; plugin = .other } // another build
        case UInt8(ascii: "-"):
            if ByteScan.has(line, "--- ", at: at) {
                flushClassCounts()
                // Kept as bytes; hashed only when a file-less issue needs it.
                executionLine.reset()
                executionLine.append(line, at + 4, line.count)
                executionHash = nil
                // Maven 3.9 names plugins by their prefix: `--- javadoc:3.6.3:javadoc (…) @ x ---`.
                plugin = ByteScan.find(line, "maven-javadoc-plugin", from: at) != nil || ByteScan.has(line, "javadoc:", at: at + 4)
                    ? .javadoc : .other
            }
        default:
            break
        }
        // `[INFO] core ..... FAILURE [  5.412 s]` (the rows end at the BUILD line).
        if inReactorSummary, ByteScan.find(line, " FAILURE", from: at) != nil { reactorFailure = true }
        section = .none
    }

    private mutating func prefixed(_ line: JVMLine, body prefixEnd: Int, severity: Issue.Severity) {
        let body = ByteScan.byte(line, prefixEnd) == ByteScan.space ? prefixEnd + 1 : prefixEnd
        let start = ByteScan.skipSpaces(line, from: body)
        guard start < line.count else { endBlocks(); return }
        let indented = start > body
        if pending.active {
            if pending.offer(line, from: body, indentedOnly: true) { return }
            commitDiagnostic()
        }
        if detail.active { finishDetail() }
        if enforcerRule != nil { commitEnforcerRule() }

        if ByteScan.has(line, "Rule ", at: start), beginEnforcerRule(line, start, severity: severity) { return }
        if ByteScan.has(line, "Tests run:", at: start) {
            countTests(line, from: start)
            section = .none
            return
        }
        if Self.isBoilerplate(line, start) { return }
        if !indented, let header = Self.sectionHeader(line, start) {
            section = header.section
            if header.rest < line.count, section != .flakes { summaryEntry(line, from: header.rest) }
            return
        }
        if section == .flakes { return } // tests that passed on a rerun: `demo.ATest.flaky`, `  Run 1: …`
        if section != .none, indented || summaryEntry(line, from: start, probe: true) {
            summaryEntry(line, from: start)
            return
        }
        if ByteScan.has(line, "Failed to execute goal", at: start) {
            section = .none
            goalFailure(line, from: start)
            return
        }
        if let match = JVMDiagnostics.match(line, from: start) {
            startDiagnostic(line, match, severity: match.severity ?? severity)
            return
        }
        if Self.isDetailHeader(line) {
            beginDetail(line, from: start)
            return
        }
        section = .none
        if severity == .warning {
            buildToolWarning(line, start, indented: indented)
            return
        }
        // Errors outside any goal failure: `Unknown lifecycle phase …`, `The build could not read 1
        // project` and its indented POM problems, … (issues only when nothing else explains the failure).
        if !inGoalBlock, otherErrors.count < Self.maximumOtherErrors,
           !seen.seenBefore(line, start, line.count, salt: 1, context: executionContext()) {
            var message = Self.trimmedString(line, start)
            if let help = message.firstRange(of: " -> [Help") { message = String(message[..<help.lowerBound]).trimmed }
            otherErrors.append((Issue(file: nil, line: nil, message: message, severity: .error,
                                      category: Self.isDependencyProblem(line, start) ? IssueCategory.dependencyError : IssueCategory.buildError),
                                executionContext()))
        }
    }

    /// A `[WARNING]` of Maven or a plugin (`Unable to autodetect 'javac' path…`, `The POM for … is
    /// missing`, `JAR will be empty…`): an issue, except javadoc's progress output (all of which the
    /// javadoc plugin prints as warnings) and Maven's advice around model problems.
    private mutating func buildToolWarning(_ line: JVMLine, _ start: Int, indented: Bool) {
        if ByteScan.has(line, "Javadoc Warnings", at: start) { plugin = .javadoc; return }
        guard plugin != .javadoc, !indented, !sink.isFull, !Self.isWarningBoilerplate(line, start),
              !seen.seenBefore(line, start, line.count, salt: 2, context: executionContext()) else { return }
        let message = Self.trimmedString(line, start)
        let dependency = ByteScan.has(line, "The POM for ", at: start) || ByteScan.has(line, "Missing POM for ", at: start)
            || Self.isDependencyProblem(line, start)
        sink.add(Issue(file: nil, line: nil, message: message, severity: .warning,
                       category: dependency ? IssueCategory.dependencyError : IssueCategory.other), context: executionContext())
    }

    private static func isWarningBoilerplate(_ line: JVMLine, _ at: Int) -> Bool {
        switch ByteScan.byte(line, at) {
        case UInt8(ascii: "C"): return ByteScan.has(line, "COMPILATION WARNING", at: at)
        case UInt8(ascii: "I"): return ByteScan.has(line, "It is highly recommended to fix these problems", at: at)
        case UInt8(ascii: "F"): return ByteScan.has(line, "For this reason, future Maven versions", at: at)
        case UInt8(ascii: "S"): return ByteScan.has(line, "Some problems were encountered while building the effective", at: at)
        case UInt8(ascii: "T"): return ByteScan.has(line, "To suppress warnings about obsolete options", at: at)
        default: return false
        }
    }

    private mutating func unprefixed(_ line: JVMLine) {
        if enforcerRule != nil {
            let start = ByteScan.skipSpaces(line)
            if start < line.count, enforcerRule?.repeated == false, (enforcerRule?.lines.count ?? 0) < 16 {
                enforcerRule?.lines.append(Self.trimmedString(line, start))
            }
            return
        }
        if pending.active {
            if pending.offer(line, from: 0, indentedOnly: false) { return }
            commitDiagnostic()
        }
        if detail.active {
            detail.feed(line, from: 0)
            return
        }
        let first = line[0]
        if ByteScan.isSpace(first) {
            if section == .failures || section == .errors { summaryEntry(line, from: ByteScan.skipSpaces(line)) }
            return
        }
        // Old surefire (Maven 3.0–3.3) prints its lines without a level prefix.
        if first == UInt8(ascii: "T"), ByteScan.has(line, "Tests run:") {
            countTests(line, from: 0)
            section = .none
            return
        }
        if first == UInt8(ascii: "R"), ByteScan.has(line, "Running ") {
            rememberRunning(line, from: 8)
            return
        }
        if let header = Self.sectionHeader(line, 0), header.section != .flakes {
            section = header.section
            if header.rest < line.count { summaryEntry(line, from: header.rest) }
            return
        }
        if Self.isDetailHeader(line) { beginDetail(line, from: 0) }
    }

    private mutating func endBlocks() {
        if enforcerRule != nil { commitEnforcerRule() }
        if pending.active { commitDiagnostic() }
        if detail.active { finishDetail() }
    }

    private mutating func executionContext() -> UInt64 {
        if let known = executionHash { return known }
        let value = executionLine.withBytes { Self.pluginInModule($0, from: 0) }
        executionHash = value
        return value
    }

    /// `maven-compiler-plugin:3.10.1:compile (default-compile) @ core ---` → hash of the plugin and the module.
    private static func pluginInModule(_ line: JVMLine, from: Int) -> UInt64 {
        var hasher = Fingerprint(kind: 9)
        let pluginEnd = ByteScan.find(line, byte: UInt8(ascii: ":"), from: from) ?? line.count
        hasher.add(UnsafeBufferPointer(rebasing: line[min(from, pluginEnd)..<pluginEnd]))
        if let at = ByteScan.find(line, " @ ", from: pluginEnd) {
            let end = ByteScan.find(line, " ---", from: at + 3) ?? line.count
            hasher.add(UnsafeBufferPointer(rebasing: line[(at + 3)..<max(at + 3, end)]))
        }
        return hasher.value
    }

    // MARK: Enforcer rules

    /// `Rule 0: org.apache.maven.plugins.enforcer.RequireProperty failed with message:` (the
    /// message follows on unprefixed lines).
    private mutating func beginEnforcerRule(_ line: JVMLine, _ start: Int, severity: Issue.Severity) -> Bool {
        guard let failed = ByteScan.find(line, " failed with message", from: start),
              let (_, afterNumber) = ByteScan.number(line, at: start + 5), ByteScan.has(line, ": ", at: afterNumber),
              failed > afterNumber + 2, failed - afterNumber <= 512 else { return false }
        // A rule already read in this plugin execution (a log that repeats itself): its lines are
        // consumed without making Strings.
        let repeated = seen.seenBefore(line, start, failed, salt: 6, context: executionContext())
        let qualified = repeated ? "" : ByteScan.string(line, afterNumber + 2, failed)
        let rule = qualified.split(separator: ".").last.map(String.init) ?? qualified
        enforcerRule = EnforcerRule(rule: rule, severity: severity, repeated: repeated)
        return true
    }

    /// One issue per failed rule and plugin execution: `RequireProperty: Property "x" is required …`.
    private mutating func commitEnforcerRule() {
        guard let block = enforcerRule else { return }
        enforcerRule = nil
        if block.severity == .error { enforcerFailures &+= 1 }
        guard !block.repeated else { return }
        let text = block.lines.isEmpty ? "failed" : block.lines.joined(separator: "\n")
        let lowered = block.rule.lowercased()
        let dependency = lowered.contains("dependenc") || lowered.contains("deps") || lowered.contains("convergence")
            || lowered.contains("repositor")
        let category = dependency ? IssueCategory.dependencyError
            : (block.severity == .error ? IssueCategory.buildError : IssueCategory.other)
        sink.add(Issue(file: nil, line: nil, message: "\(block.rule): \(text)", severity: block.severity, category: category),
                 context: executionContext())
    }

    // MARK: Compiler diagnostics

    private mutating func startDiagnostic(_ line: JVMLine, _ match: JVMDiagnosticMatch, severity: Issue.Severity) {
        // maven-compiler-plugin prints `file:[l,c]`; the `file:l: warning:` shape is javadoc's.
        let javadocTool = plugin == .javadoc || match.shape == .javac
        // Javadoc's errors keep its severity; the categories have no javadoc error of their own.
        // Columns tell diagnostics apart; the repeated copy's continuation is prefixed differently,
        // so a diagnostic is identified by its first line.
        pending.start(line, match, severity: severity, javadocTool: javadocTool,
                      errorCategory: javadocTool ? IssueCategory.javadocWarning : IssueCategory.compilationError,
                      detailsInKey: false, sink: sink)
        if severity == .error, javadocTool { javadocErrors &+= 1 }
    }

    private mutating func commitDiagnostic() {
        pending.commit(into: &sink)
    }

    // MARK: Tests

    /// `Tests run: 5, Failures: 1, Errors: 1, Skipped: 1[, Flakes: 0][, Time elapsed: … - in demo.ATest]`,
    /// read left to right (surefire always prints the fields in this order).
    private mutating func countTests(_ line: JVMLine, from: Int) {
        guard ByteScan.has(line, "Tests run:", at: from),
              let (run, afterRun) = ByteScan.number(line, at: ByteScan.skipSpaces(line, from: from + 10)) else { return }
        var failures = 0
        var errors = 0
        var skipped = 0
        var perClass = false
        var cursor = afterRun
        while ByteScan.has(line, ", ", at: cursor) {
            let label = cursor + 2
            func value(_ length: Int) -> (Int, Int)? { ByteScan.number(line, at: ByteScan.skipSpaces(line, from: label + length)) }
            if ByteScan.has(line, "Failures:", at: label), let (n, end) = value(9) { failures = n; cursor = end }
            else if ByteScan.has(line, "Errors:", at: label), let (n, end) = value(7) { errors = n; cursor = end }
            else if ByteScan.has(line, "Skipped:", at: label), let (n, end) = value(8) { skipped = n; cursor = end }
            else if ByteScan.has(line, "Flakes:", at: label), let (_, end) = value(7) { cursor = end }
            else {
                perClass = ByteScan.has(line, "Time elapsed", at: label)
                break
            }
        }
        let failed = failures &+ errors
        let summary = TestSummary(passed: max(0, run &- failed &- skipped), failed: failed, skipped: skipped, total: run)
        let inMarker = ByteScan.find(line, " - in ", from: cursor).map { $0 + 6 } ?? ByteScan.find(line, " -- in ", from: cursor).map { $0 + 7 }
        if perClass || inMarker != nil {
            if let at = inMarker { rememberRunning(line, from: at, failing: failed > 0) }
            classCounts.accumulate(summary)
            return
        }
        totals.accumulate(summary)
        classCounts = nil
    }

    private mutating func flushClassCounts() {
        guard let counts = classCounts else { return }
        totals.accumulate(counts)
        classCounts = nil
    }

    /// Remembers the class a test line names; a failing class also by its simple name, so that a
    /// summary row (`ATest.bad:3 …`) finds its package.
    private mutating func rememberRunning(_ line: JVMLine, from: Int, failing: Bool = false) {
        let start = ByteScan.skipSpaces(line, from: from)
        let end = ByteScan.trimEnd(line, from: start, to: line.count)
        guard end > start, end - start <= 512,
              ByteScan.find(line, byte: ByteScan.space, from: start, to: end) == nil else { return }
        lastTestClassBytes.reset()
        lastTestClassBytes.append(line, start, end)
        guard failing, testClasses.count < Self.maximumTestClasses else { return }
        let name = ByteScan.string(line, start, end)
        let simple = JVMTestFailures.simpleName(name)
        if testClasses[simple] == nil { testClasses[simple] = name }
    }

    /// `[ERROR] bad(demo.ATest)  Time elapsed: 0.01 s  <<< FAILURE!` (and surefire 3's
    /// `demo.ATest.bad -- Time elapsed: …`).
    private static func isDetailHeader(_ line: JVMLine) -> Bool {
        let end = ByteScan.trimEnd(line, from: 0, to: line.count)
        return ByteScan.hasSuffix(line, "<<< FAILURE!", before: end) || ByteScan.hasSuffix(line, "<<< ERROR!", before: end)
    }

    private mutating func beginDetail(_ line: JVMLine, from: Int) {
        guard let elapsed = ByteScan.find(line, " Time elapsed", from: from) ?? ByteScan.find(line, " <<<", from: from) else { return }
        var end = ByteScan.trimEnd(line, from: from, to: elapsed)
        if ByteScan.hasSuffix(line, " --", before: end) { end = ByteScan.trimEnd(line, from: from, to: end - 3) }
        guard end > from, end - from <= 1024 else { return }
        if failures.isFull || seen.seenBefore(line, from, end, salt: 5) {
            detail.beginSkipping()
            return
        }
        guard let (className, method) = testName(ByteScan.string(line, from, end)) else { return }
        detail.begin(className: className, method: method)
    }

    /// `method(demo.ATest)`, `demo.ATest.method`, or a bare `method` (JUnit 5 on surefire 2.22).
    private func testName(_ head: String) -> (String, String)? {
        if let open = head.firstIndex(of: "("), head.hasSuffix(")") {
            let method = String(head[..<open])
            let inner = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
            guard !method.isEmpty else { return nil }
            if !inner.isEmpty, inner.contains(".") || lastTestClass == nil || JVMTestFailures.simpleName(lastTestClass ?? "") == inner {
                return (inner, method)
            }
            return lastTestClass.map { ($0, method) }
        }
        if let dot = head.lastIndex(of: "."), head.first?.isLetter == true {
            let className = String(head[..<dot])
            let method = String(head[head.index(after: dot)...])
            guard !method.isEmpty, !className.isEmpty else { return nil }
            return (className, method)
        }
        return lastTestClass.map { ($0, head) }
    }

    private mutating func finishDetail() {
        let finished = detail
        detail.end()
        guard !finished.skipping else { return }
        failures.update(className: finished.className, method: finished.method) { record in
            if record.message == nil { record.message = finished.messageText }
            if let line = finished.line, record.line == nil || (finished.lineFromMethodFrame && !record.lineFromMethodFrame) {
                record.line = line
                record.file = finished.file
                record.lineFromMethodFrame = finished.lineFromMethodFrame
            }
            if finished.className.contains("."), !record.className.contains(".") { record.className = finished.className }
        }
    }

    /// A row of surefire's summary: `ATest.bad:3 expected:<1> but was:<2>`, `ATest.boom:12 » IllegalState boom`,
    /// `ATest.bad:3->check:40 …`, `ATest>Base.inherited:7 …`, `Run 1: ATest.flaky:5 …`, old `bad(demo.ATest): …`.
    @discardableResult
    private mutating func summaryEntry(_ line: JVMLine, from: Int, probe: Bool = false) -> Bool {
        var start = ByteScan.skipSpaces(line, from: from)
        if ByteScan.has(line, "Run ", at: start), let (_, end) = ByteScan.number(line, at: start + 4),
           ByteScan.byte(line, end) == UInt8(ascii: ":") {
            start = ByteScan.skipSpaces(line, from: end + 1)
        }
        let end = ByteScan.trimEnd(line, from: start, to: line.count)
        guard end > start, end - start <= 8192, !failures.isFull else { return false }
        guard probe || !seen.seenBefore(line, start, end, salt: 4) else { return true }
        let headEnd = ByteScan.find(line, byte: ByteScan.space, from: start, to: end) ?? end
        var head = ByteScan.string(line, start, headEnd)
        var detailText = ByteScan.string(line, headEnd, end).trimmed
        if detailText.hasPrefix("»") { detailText = String(detailText.dropFirst()).trimmed }
        var className: String
        var method: String
        var lineNumber: Int?
        if head.hasSuffix(":") { head.removeLast() }
        if let open = head.firstIndex(of: "("), head.hasSuffix(")") {
            method = String(head[..<open])
            className = String(head[head.index(after: open)..<head.index(before: head.endIndex)])
        } else {
            var name = Substring(head)
            if let colon = head.firstIndex(of: ":") {
                name = head[..<colon]
                lineNumber = Int(head[head.index(after: colon)...].prefix(while: { $0.isASCII && $0.isNumber }).prefix(9))
            }
            var owner = Substring("")
            if let arrow = name.firstIndex(of: ">") {
                owner = name[..<arrow]
                name = name[name.index(after: arrow)...]
            }
            guard let dot = name.lastIndex(of: ".") else { return false }
            className = owner.isEmpty ? String(name[..<dot]) : String(owner)
            method = String(name[name.index(after: dot)...])
        }
        if let dot = method.lastIndex(of: ".") { method = String(method[method.index(after: dot)...]) } // `demo.ATest.bad(demo.ATest)`
        let simple = JVMTestFailures.simpleName(className)
        guard simple.first?.isUppercase == true, let m = method.first, m.isLetter || m == "_" || m == "$" else { return false }
        if probe { return true }
        if !className.contains("."), let known = testClasses[simple] { className = known }
        let summary = String(detailText.prefix(512))
        failures.update(className: className, method: method) { record in
            if record.summary == nil, !summary.isEmpty { record.summary = summary }
            if let number = lineNumber, !record.lineFromMethodFrame {
                record.line = number
                if record.file == nil { record.file = simple + ".java" }
            }
        }
        return true
    }

    // MARK: Goal failures and boilerplate

    private mutating func goalFailure(_ line: JVMLine, from: Int) {
        inGoalBlock = true
        guard goalFailures.count < Self.maximumGoalFailures, !seen.seenBefore(line, from, line.count, salt: 3) else { return }
        var message = Self.trimmedString(line, from)
        if let help = message.firstRange(of: " -> [Help") { message = String(message[..<help.lowerBound]).trimmed }
        let kind: GoalKind
        if Self.isDependencyProblem(line, from) { kind = .dependency }
        else if message.contains("Compilation failure") { kind = .compile }
        else if message.contains("There are test failures") || message.contains("There was a timeout") { kind = .tests }
        else if message.contains("maven-javadoc-plugin") { kind = .javadoc }
        else if message.contains("maven-enforcer-plugin") { kind = .enforcer }
        else { kind = .other }
        goalFailures.append(GoalFailure(message: message, kind: kind))
    }

    /// Maven's and its resolver's wording of a dependency problem (searched on bytes).
    private static func isDependencyProblem(_ line: JVMLine, _ from: Int) -> Bool {
        ByteScan.find(line, "ould not resolve dependencies", from: from) != nil
            || ByteScan.find(line, "could not be resolved", from: from) != nil
            || ByteScan.find(line, "ailed to read artifact descriptor", from: from) != nil
            || ByteScan.find(line, "ould not find artifact", from: from) != nil
            || ByteScan.find(line, "ould not transfer artifact", from: from) != nil
            || ByteScan.find(line, "on-resolvable", from: from) != nil
            || ByteScan.find(line, "DependencyResolutionException", from: from) != nil
            || ByteScan.find(line, "PluginResolutionException", from: from) != nil
            || ByteScan.find(line, "ailed to collect dependencies", from: from) != nil
    }

    private static func isBoilerplate(_ line: JVMLine, _ at: Int) -> Bool {
        switch ByteScan.byte(line, at) {
        case UInt8(ascii: "-"): return ByteScan.has(line, "-> [Help", at: at)
        case UInt8(ascii: "["): return ByteScan.has(line, "[Help ", at: at)
        case UInt8(ascii: "T"): return ByteScan.has(line, "To see the full stack trace", at: at)
        case UInt8(ascii: "R"): return ByteScan.has(line, "Re-run Maven", at: at) || ByteScan.has(line, "Refer to the generated", at: at)
        case UInt8(ascii: "F"): return ByteScan.has(line, "For more information about the errors", at: at)
        case UInt8(ascii: "A"): return ByteScan.has(line, "After correcting the problems", at: at)
        case UInt8(ascii: "m"): return ByteScan.has(line, "mvn <args>", at: at) || ByteScan.has(line, "mvn <goals>", at: at)
        case UInt8(ascii: "P"): return ByteScan.has(line, "Please refer to", at: at)
        case UInt8(ascii: "C"): return ByteScan.has(line, "COMPILATION ERROR", at: at) || ByteScan.has(line, "COMPILATION WARNING", at: at)
            || ByteScan.has(line, "Command line was:", at: at) || ByteScan.has(line, "Crash dump", at: at)
        default: return false
        }
    }

    /// `Failures:`, `Errors:`, `Flakes:` (surefire 2.19+) and old `Failed tests:`/`Tests in error:`
    /// (whose first row may follow on the same line). `rest`: where that row starts.
    private static func sectionHeader(_ line: JVMLine, _ at: Int) -> (section: Section, rest: Int)? {
        let section: Section
        let length: Int
        if ByteScan.has(line, "Failures:", at: at) { section = .failures; length = 9 }
        else if ByteScan.has(line, "Errors:", at: at) { section = .errors; length = 7 }
        else if ByteScan.has(line, "Flakes:", at: at) { section = .flakes; length = 7 }
        else if ByteScan.has(line, "Failed tests:", at: at) { section = .failures; length = 13 }
        else if ByteScan.has(line, "Tests in error:", at: at) { section = .errors; length = 15 }
        else { return nil }
        let rest = ByteScan.skipSpaces(line, from: at + length)
        // `Failures: 1, Errors: …` is a count line, not a header.
        if rest < line.count, length <= 9, ByteScan.isDigit(line[rest]) { return nil }
        return (section, rest)
    }

    private static func trimmedString(_ line: JVMLine, _ from: Int) -> String {
        let start = ByteScan.skipSpaces(line, from: from)
        return ByteScan.string(line, start, min(ByteScan.trimEnd(line, from: start, to: line.count), start + 4096))
    }
}
