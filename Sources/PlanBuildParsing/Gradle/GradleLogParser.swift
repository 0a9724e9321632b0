import PlanBuildModel

/// Reads Gradle console output (4.4's plain console, whose task header is not ended and so glued
/// to the first compiler line, and the `> Task :x` headers of later versions), and plain javac,
/// javadoc and kotlinc output, which Gradle passes through verbatim.
///
/// What it reports: compiler errors and warnings with file and line (javac's source and caret
/// lines skipped, its `symbol:`/`location:` details joined to the message; Kotlin's `e:`/`w:` and
/// `file:line:col:` shapes), one `test_failure` per `Class > test FAILED` with the test's file and
/// line, the `N tests completed, M failed, K skipped` counts of every project, and the FAILURE
/// section's `What went wrong` as a `dependency_error`, or as a `build_error` when nothing else in
/// the log explains the failure.
public struct GradleLogParser: LogParser {
    private var sink = JVMIssueSink()
    private var pending = JVMPendingDiagnostic()
    private var failures = JVMTestFailures()
    private var detail = JVMTestDetail()
    private var tests: TestSummary?
    /// The task running now (`:app:compileJava`) as bytes (a String is made only when it has an
    /// error to be remembered), and whether it is a javadoc task.
    private var task = JVMTextBuffer(limit: 512)
    private var javadocTask = false
    /// A hash of the task's name, made when a file-less message needs it: file-less messages of
    /// two tasks are two issues.
    private var taskHash: UInt64?
    /// Tasks during which an error was reported: their `Execution failed` block is explained.
    private var tasksWithErrors: Set<String> = []
    private var taskErrorKeys: Set<UInt64> = []
    private static let maximumTasks = 4096
    /// The FAILURE section: `* Where:` and `* What went wrong:` are read until the next `* ` heading.
    private var section: Section = .none
    private var whereFile: String?
    private var whereLine: Int?
    /// The block being read, as bytes: its first line, then its `> …` lines.
    private var reading = false
    private var blockText = JVMTextBuffer(limit: 4096)
    private var blockLines = 0
    private var blockWhereFile: String?
    private var blockWhereLine: Int?
    private var blockKeys: Set<UInt64> = []
    private var blocks: [FailureBlock] = []
    private static let maximumBlocks = 256
    private static let maximumBlockLines = 12
    private var sawSuccess = false
    private var sawFailure = false
    /// Test headers already read (a log that repeats itself): their blocks are skipped.
    private var seen = JVMSeenLines()

    private enum Section { case none, whereHeading, wrong }

    private struct FailureBlock {
        var head = ""
        var details: [String] = []
        var file: String?
        var line: Int?
    }

    public init() {}

    public mutating func consume(_ line: UnsafeBufferPointer<UInt8>) {
        // A blank line ends a diagnostic or a test block (inside `What went wrong` it is skipped:
        // that block ends at the next `* ` heading).
        guard let first = line.first else { endBlocks(); return }
        var start = 0
        if first == UInt8(ascii: ":") {
            let header = Self.taskHeader(line)
            setTask(line, 0, header.taskEnd)
            endBlocks()
            guard let glue = header.glue else { return }
            start = glue
        } else if first == UInt8(ascii: ">"), ByteScan.has(line, "> Task :") {
            let end = ByteScan.find(line, byte: ByteScan.space, from: 7) ?? line.count
            setTask(line, 7, end)
            endBlocks()
            return
        }
        if section != .none {
            if !Self.endsFailureSection(line) {
                collect(line)
                return
            }
            closeSection()
        }
        if pending.active {
            // Where javac's source line is expected, a new diagnostic means there was none.
            let lostSource = pending.phase == .source && Self.isDiagnosticCandidate(line, start)
            if !lostSource, pending.offer(line, from: start, indentedOnly: false) { return }
            pending.commit(into: &sink)
        }
        if detail.active {
            if ByteScan.isSpace(ByteScan.byte(line, start)) {
                detail.feed(line, from: start)
                return
            }
            finishDetail()
        }
        switch ByteScan.byte(line, start) {
        case UInt8(ascii: "B"):
            if ByteScan.has(line, "BUILD SUCCESSFUL", at: start) { sawSuccess = true; return }
            if ByteScan.has(line, "BUILD FAILED", at: start) { sawFailure = true; return }
        case UInt8(ascii: "*"):
            if ByteScan.has(line, "* What went wrong:", at: start) { openBlock(); return }
            if ByteScan.has(line, "* Where:", at: start) { section = .whereHeading; return }
            return
        case UInt8(ascii: "W"):
            if ByteScan.has(line, "WARNING: ", at: start) { return } // the JVM's setSecurityManager notes
        case UInt8(ascii: "N"):
            if ByteScan.has(line, "Note: ", at: start) { return }
        case UInt8(ascii: "L"), UInt8(ascii: "C"):
            // The javadoc tool's first lines (run alone, outside a Gradle javadoc task): what
            // follows are javadoc's diagnostics.
            if ByteScan.has(line, "Loading source file", at: start) || ByteScan.has(line, "Constructing Javadoc information", at: start) {
                javadocTask = true
                return
            }
        case UInt8(ascii: "O"):
            if ByteScan.has(line, "OpenJDK ", at: start) { return }
        case 0x30...0x39:
            if countTests(line, from: start) { return }
        default:
            break
        }
        if Self.isDiagnosticCandidate(line, start), let match = JVMDiagnostics.match(line, from: start) {
            startDiagnostic(line, match)
            return
        }
        if ByteScan.hasSuffix(line, " FAILED", before: ByteScan.trimEnd(line, from: start, to: line.count)),
           let arrow = ByteScan.find(line, " > ", from: start) {
            beginDetail(line, from: start, arrow: arrow)
            return
        }
        // javac/kotlinc messages without a location: `error: invalid source release: 99`,
        // `warning: [options] bootstrap class path not set in conjunction with -source 8`.
        if ByteScan.has(line, "error: ", at: start) || ByteScan.has(line, "warning: ", at: start) {
            guard !seen.seenBefore(line, start, line.count, salt: 2, context: taskContext()) else { return }
            let isError = line[start] == UInt8(ascii: "e")
            let messageStart = ByteScan.skipSpaces(line, from: start + (isError ? 7 : 9))
            let message = ByteScan.string(line, messageStart, min(ByteScan.trimEnd(line, from: messageStart, to: line.count), messageStart + 4096))
            guard !message.isEmpty else { return }
            if isError { noteTaskError() }
            sink.add(Issue(file: nil, line: nil, message: message, severity: isError ? .error : .warning,
                           category: isError ? (javadocTask ? IssueCategory.javadocWarning : IssueCategory.compilationError)
                               : JVMDiagnostics.warningCategory(message, javadocTool: javadocTask)), context: taskContext())
        }
    }

    public mutating func finish() -> ParseOutcome {
        endBlocks()
        closeSection()
        for issue in failures.issues(qualify: { _ in nil }) { sink.add(issue) }
        for block in blocks {
            let text = ([block.head] + block.details).joined(separator: "\n")
            if Self.isDependencyProblem(text) {
                sink.add(Issue(file: block.file, line: block.line, message: text, severity: .error, category: IssueCategory.dependencyError))
            } else if !explained(block) {
                sink.add(Issue(file: block.file, line: block.line, message: text, severity: .error, category: IssueCategory.buildError))
            }
        }
        // Gradle's BUILD line decides; without one (plain javac/kotlinc/javadoc output, a log cut
        // short), what the log shows: errors, a FAILURE block, failed tests; else unknown.
        let status: ParseOutcome.BuildStatus?
        if sawFailure { status = .failure }
        else if sawSuccess { status = .success }
        else if sink.errorCount > 0 || !blocks.isEmpty || (tests?.failed ?? 0) > 0 { status = .failure }
        else { status = nil }
        return ParseOutcome(issues: sink.issues, tests: tests, buildStatus: status)
    }

    // MARK: Lines

    private mutating func endBlocks() {
        if pending.active { pending.commit(into: &sink) }
        if detail.active { finishDetail() }
    }

    private mutating func setTask(_ line: JVMLine, _ from: Int, _ to: Int) {
        guard to > from, to - from <= 512 else { return }
        task.reset()
        task.append(line, from, to)
        taskHash = nil
        // The last segment of the path ends with `javadoc` (`:javadoc`, `:app:aggregateJavadoc`).
        javadocTask = ByteScan.hasSuffix(line, "javadoc", before: to) || ByteScan.hasSuffix(line, "Javadoc", before: to)
    }

    private mutating func taskContext() -> UInt64 {
        if let known = taskHash { return known }
        var hasher = Fingerprint(kind: 9)
        task.withBytes { hasher.add($0) }
        taskHash = hasher.value
        return hasher.value
    }

    private mutating func noteTaskError() {
        guard !task.isEmpty, tasksWithErrors.count < Self.maximumTasks else { return }
        var hasher = Fingerprint()
        task.withBytes { hasher.add($0) }
        if taskErrorKeys.insert(hasher.value).inserted { tasksWithErrors.insert(task.string) }
    }

    /// `:compileJava`, `:app:test FAILED`, `:compileJava/abs/path/X.java:14: error: …` (4.4 glues the
    /// first output line to the header), `:testWARNING: …`, `:compileTestJavaNote: …`, `:compileKotline: …`.
    static func taskHeader(_ line: JVMLine) -> (taskEnd: Int, glue: Int?) {
        var index = 1
        while index < line.count, isTaskByte(line[index]) { index += 1 }
        var tokenEnd = index
        // A glued word that ends with a colon: `Note:`, `WARNING:`, `warning:`, `error:`, `e:`, `w:`.
        if tokenEnd > 1, line[tokenEnd - 1] == UInt8(ascii: ":") {
            for word: StaticString in ["WARNING:", "warning:", "error:", "Note:", "e:", "w:"] {
                let length = word.utf8CodeUnitCount
                if tokenEnd - length > 1, ByteScan.has(line, word, at: tokenEnd - length) {
                    return (tokenEnd - length, tokenEnd - length)
                }
            }
            tokenEnd -= 1
        }
        if index >= line.count { return (tokenEnd, nil) }
        if line[index] == ByteScan.space {
            let rest = ByteScan.skipSpaces(line, from: index)
            if rest >= line.count || isStatus(line, rest) { return (tokenEnd, nil) }
            // `:testdemo.ATest > bad FAILED`: test output glued to a known task name.
            if ByteScan.find(line, " > ", from: index) != nil, let split = knownTaskEnd(line, tokenEnd) {
                return (split, split)
            }
            return (tokenEnd, nil)
        }
        return (tokenEnd, index)
    }

    private static func isTaskByte(_ b: UInt8) -> Bool {
        ByteScan.isLetter(b) || ByteScan.isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ":") || b == UInt8(ascii: ".")
    }

    private static func isStatus(_ line: JVMLine, _ at: Int) -> Bool {
        ByteScan.has(line, "FAILED", at: at) || ByteScan.has(line, "UP-TO-DATE", at: at) || ByteScan.has(line, "NO-SOURCE", at: at)
            || ByteScan.has(line, "SKIPPED", at: at) || ByteScan.has(line, "FROM-CACHE", at: at)
    }

    private static let knownTasks: [StaticString] = [
        "compileTestJava", "compileJava", "compileTestKotlin", "compileKotlin", "compileTestGroovy", "compileGroovy",
        "integrationTest", "javadoc", "test",
    ]

    private static func knownTaskEnd(_ line: JVMLine, _ tokenEnd: Int) -> Int? {
        let segment = (ByteScan.findLast(line, byte: UInt8(ascii: ":"), from: 0, to: tokenEnd) ?? 0) + 1
        for name in knownTasks {
            let end = segment + name.utf8CodeUnitCount
            if end < tokenEnd, ByteScan.has(line, name, at: segment) { return end }
        }
        return nil
    }

    private static func isDiagnosticCandidate(_ line: JVMLine, _ start: Int) -> Bool {
        let first = ByteScan.byte(line, start)
        if (first == UInt8(ascii: "e") || first == UInt8(ascii: "w")), ByteScan.has(line, ": ", at: start + 1) { return true }
        return JVMDiagnostics.mayBeDiagnostic(line, from: start)
    }

    private mutating func startDiagnostic(_ line: JVMLine, _ match: JVMDiagnosticMatch) {
        let severity = match.severity ?? .error
        if severity == .error { noteTaskError() }
        // javac prints no column: two errors of one line differ by their `symbol:` details.
        pending.start(line, match, severity: severity, javadocTool: javadocTask,
                      errorCategory: javadocTask ? IssueCategory.javadocWarning : IssueCategory.compilationError,
                      detailsInKey: true, sink: sink)
    }

    // MARK: Tests

    /// `7 tests completed, 2 failed, 1 skipped` (one line per test task; Gradle prints none when all pass).
    private mutating func countTests(_ line: JVMLine, from: Int) -> Bool {
        guard let (completed, afterNumber) = ByteScan.number(line, at: from),
              ByteScan.has(line, " tests completed", at: afterNumber) || ByteScan.has(line, " test completed", at: afterNumber)
        else { return false }
        var failed = 0
        var skipped = 0
        var cursor = afterNumber
        while let comma = ByteScan.find(line, ", ", from: cursor) {
            cursor = comma + 2
            guard let (value, end) = ByteScan.number(line, at: cursor) else { continue }
            if ByteScan.has(line, " failed", at: end) { failed = value }
            else if ByteScan.has(line, " skipped", at: end) { skipped = value }
        }
        tests.accumulate(TestSummary(passed: max(0, completed &- failed &- skipped), failed: failed, skipped: skipped, total: completed))
        return true
    }

    /// `demo.ATest > bad FAILED`, `ATest > bad() FAILED`, `Outer > Inner > bad FAILED`.
    private mutating func beginDetail(_ line: JVMLine, from: Int, arrow: Int) {
        let end = ByteScan.trimEnd(line, from: from, to: line.count) - 7
        guard end > arrow + 3, arrow > from, end - from <= 2048 else { return }
        noteTaskError()
        if failures.isFull || seen.seenBefore(line, from, end, salt: 1) {
            detail.beginSkipping()
            return
        }
        let className = ByteScan.string(line, from, ByteScan.trimEnd(line, from: from, to: arrow))
        var methodStart = arrow + 3
        while let next = ByteScan.find(line, " > ", from: methodStart, to: end) { methodStart = next + 3 }
        var method = ByteScan.string(line, methodStart, ByteScan.trimEnd(line, from: methodStart, to: end))
        if method.hasSuffix("()") { method.removeLast(2) }
        guard !className.isEmpty, !method.isEmpty, !className.contains(" ") else { return }
        detail.begin(className: className, method: method)
    }

    private mutating func finishDetail() {
        let finished = detail
        detail.end()
        guard !finished.skipping else { return }
        failures.update(className: finished.className, method: finished.method) { record in
            if record.message == nil { record.message = finished.messageText }
            if let line = finished.line, record.line == nil {
                record.line = line
                record.file = finished.file
                record.lineFromMethodFrame = finished.lineFromMethodFrame
            }
        }
    }

    // MARK: The FAILURE section

    private mutating func openBlock() {
        closeSection()
        section = .wrong
        reading = true
        blockText.reset()
        blockLines = 0
        blockWhereFile = whereFile
        blockWhereLine = whereLine
        whereFile = nil
        whereLine = nil
    }

    private static func endsFailureSection(_ line: JVMLine) -> Bool {
        if ByteScan.has(line, "* ") || ByteScan.has(line, "BUILD ") || ByteScan.has(line, "=====") || ByteScan.has(line, "FAILURE:") {
            return true
        }
        // `2: Task failed with an exception.`
        if let (_, end) = ByteScan.number(line, at: 0), ByteScan.has(line, ": Task failed", at: end) { return true }
        return false
    }

    private mutating func collect(_ line: JVMLine) {
        let start = ByteScan.skipSpaces(line)
        let end = min(ByteScan.trimEnd(line, from: start, to: line.count), start + 2048)
        guard end > start else { return }
        switch section {
        case .whereHeading:
            // `Build file '/path/build.gradle' line: 6`
            if let open = ByteScan.find(line, byte: UInt8(ascii: "'"), from: start),
               let close = ByteScan.find(line, byte: UInt8(ascii: "'"), from: open + 1) {
                whereFile = ByteScan.string(line, open + 1, close)
                if let at = ByteScan.find(line, "line: ", from: close) { whereLine = ByteScan.number(line, at: at + 6)?.value }
            }
        case .wrong:
            guard reading else { return }
            if blockLines == 0 {
                blockText.append(line, start, end)
                blockLines = 1
            } else if line[start] == UInt8(ascii: ">"), blockLines <= Self.maximumBlockLines {
                blockText.append(byte: 0x0A)
                blockText.append(line, start, end)
                blockLines += 1
            }
        case .none:
            break
        }
    }

    private mutating func closeSection() {
        if reading, blockLines > 0, blocks.count < Self.maximumBlocks {
            var hasher = Fingerprint()
            blockText.withBytes { hasher.add($0) }
            hasher.add(blockWhereFile ?? "")
            hasher.add(blockWhereLine ?? -1)
            if blockKeys.insert(hasher.value).inserted {
                let lines = blockText.string.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                blocks.append(FailureBlock(head: lines.first ?? "", details: Array(lines.dropFirst()),
                                           file: blockWhereFile, line: blockWhereLine))
            }
        }
        reading = false
        section = .none
    }

    /// `Execution failed for task ':x:compileJava'. > Compilation failed…` is explained by that task's
    /// errors, `There were failing tests` by failing tests; anything else stands on its own.
    private func explained(_ block: FailureBlock) -> Bool {
        let text = ([block.head] + block.details).joined(separator: "\n")
        if let open = block.head.firstIndex(of: "'"), block.head.hasPrefix("Execution failed for task"),
           let close = block.head[block.head.index(after: open)...].firstIndex(of: "'") {
            let name = String(block.head[block.head.index(after: open)..<close])
            if tasksWithErrors.contains(name) { return true }
        }
        if text.contains("There were failing tests") { return !failures.isEmpty }
        if text.contains("Compilation failed") || text.contains("Compilation error") { return sink.compileErrorCount > 0 }
        return false
    }

    private static func isDependencyProblem(_ text: String) -> Bool {
        let lowered = text.lowercased()
        for marker in ["could not resolve", "could not find any version", "no cached version", "could not download",
                       "could not get resource", "could not find artifact"] where lowered.contains(marker) {
            return true
        }
        // `Could not find org.example:lib:1.0.` (a coordinate: two colons after "could not find").
        if let range = lowered.firstRange(of: "could not find ") {
            let word = lowered[range.upperBound...].prefix(while: { $0 != " " && $0 != "\n" })
            if word.filter({ $0 == ":" }).count >= 2 { return true }
        }
        return false
    }
}
