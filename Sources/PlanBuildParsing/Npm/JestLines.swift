import PlanBuildModel

/// Jest's default reporter:
///
///     FAIL ./test/calc.test.js                     the suite whose failures follow
///       ● calc › adds                              one failing test
///
///         expect(received).toBe(expected)          its explanation
///         …code frame (possibly of another file)…
///           at Object.<anonymous> (test/calc.test.js:4:23)   the test file's own frame: the line
///     Tests:       1 failed, 1 skipped, 1 todo, 3 passed, 6 total
///
/// One `test_failure` per `●` header, named by the suite's file and the line of the test file's
/// own stack frame. A suite that fails to load (`● Test suite failed to run`) is one issue too:
/// a `compilation_error` at the place Babel names when it is a `SyntaxError`, else a
/// `test_failure`. Jest prints failures again under `Summary of all failing tests`; the repeat is
/// the same issue. Counts of several runs in one log add up; `todo` tests count as skipped.
/// `No tests found, exiting with code 1` is a failure of its own.
struct JestLines {
    private(set) var failed = false
    private(set) var tests: TestSummary?
    /// Failures read (repeats included).
    private(set) var diagnostics = 0
    private var seen = NpmSeen()

    /// The suite of the latest `FAIL` line (empty after a `PASS` line).
    private var suite = NpmBuffer(capacity: NpmText.maximumPath)
    /// A failure block is open.
    private var open = false
    private var title = NpmBuffer(capacity: 500)
    private var details = NpmBuffer()
    private var detailLines = 0
    /// Past the explanation: in the code frame or the stack.
    private var explained = false
    private var file = NpmBuffer(capacity: NpmText.maximumPath)
    private var line: Int?
    private var suiteFailure = false
    /// Frames read for the open failure (only the first few can be the test file's own).
    private var frames = 0
    private static let maximumFrames = 8
    /// A suite failure's `SyntaxError: /abs/x.test.js: Unexpected token (4:18)` line.
    private var syntaxError = NpmBuffer(capacity: 1_000)
    private static let maximumDetails = 6

    /// A failure block is open: every line may end or continue it.
    var busy: Bool { open }

    mutating func consume(_ line: NpmLine, _ issues: inout IssueCollector) {
        if line.isBlank { return }
        let bytes = line.bytes
        let lead = line.lead
        if line.indent <= 1 {
            if lead == UInt8(ascii: "F") || lead == UInt8(ascii: "P") {
                if ByteScan.has(bytes, "FAIL ", at: line.indent) {
                    commit(&issues)
                    Self.suitePath(bytes, from: line.indent + 5, into: &suite)
                    return
                }
                if ByteScan.has(bytes, "PASS ", at: line.indent) {
                    commit(&issues)
                    suite.reset()
                    return
                }
            } else if lead == UInt8(ascii: "N") {
                if line.indent == 0, ByteScan.has(bytes, "No tests found, exiting with code ", at: 0),
                   !ByteScan.has(bytes, "0", at: 34) {
                    // Jest found no test to run and fails for it (without --passWithNoTests).
                    commit(&issues)
                    failed = true
                    diagnostics &+= 1
                    var fingerprint = Fingerprint(kind: 7)
                    fingerprint.add(bytes)
                    if seen.isNew(fingerprint.value) {
                        issues.add(Issue(file: nil, line: nil, message: NpmText.text(bytes), severity: .error,
                                         category: IssueCategory.testFailure))
                    }
                    return
                }
            } else if lead == UInt8(ascii: "T") {
                if ByteScan.has(bytes, "Tests:", at: line.indent) {
                    commit(&issues)
                    count(bytes, from: line.indent + 6)
                    return
                }
                if ByteScan.has(bytes, "Test Suites:", at: line.indent) {
                    commit(&issues)
                    if let failedAt = ByteScan.find(bytes, " failed"), failedAt > 0,
                       ByteScan.isDigit(bytes[failedAt - 1]) { failed = true }
                    return
                }
            }
            if open, line.indent == 0 { commit(&issues) }
            return
        }
        if lead == 0xE2, ByteScan.has(bytes, "● ", at: line.indent) {
            commit(&issues)
            let range = ByteScan.trimmed(bytes, line.indent + 4, bytes.count)
            guard !range.isEmpty, !(range.count == 7 && ByteScan.has(bytes, "Console", at: range.lowerBound)) else { return }
            failed = true
            diagnostics &+= 1
            open = true
            title.set(UnsafeBufferPointer(rebasing: bytes[range]))
            details.reset()
            detailLines = 0
            explained = false
            file.set(suite)
            self.line = nil
            frames = 0
            suiteFailure = range.count == 24 && ByteScan.has(bytes, "Test suite failed to run", at: range.lowerBound)
            syntaxError.reset()
            return
        }
        guard open else { return }
        if line.indent == 2, lead == UInt8(ascii: "c"), ByteScan.has(bytes, "console.", at: 2) {
            // Console output of the next suite (printed before its FAIL line): not this failure's.
            commit(&issues)
            return
        }
        if lead == UInt8(ascii: "a"), ByteScan.has(bytes, "at ", at: line.indent) {
            explained = true
            frame(bytes, from: line.indent + 3)
            return
        }
        if Self.isCodeFrame(bytes, from: line.indent) {
            explained = true
            return
        }
        if suiteFailure, syntaxError.isEmpty, ByteScan.has(bytes, "SyntaxError: ", at: line.indent) {
            syntaxError.appendTrimmed(bytes, line.indent, bytes.count)
            return
        }
        if !explained, detailLines < Self.maximumDetails {
            detailLines += 1
            details.appendTrimmed(bytes, line.indent, bytes.count, separator: 0x0A)
        }
    }

    mutating func finish(_ issues: inout IssueCollector) { commit(&issues) }

    private mutating func commit(_ issues: inout IssueCollector) {
        guard open else { return }
        open = false
        var fingerprint = Fingerprint(kind: 4)
        fingerprint.add(title)
        fingerprint.add(details)
        fingerprint.add(file)
        fingerprint.add(line)
        fingerprint.add(syntaxError)
        guard seen.isNew(fingerprint.value) else { return }
        if let syntax = syntaxIssue() {
            issues.add(syntax)
            return
        }
        var message = title.string
        if !details.isEmpty { message += "\n" + details.string }
        issues.add(Issue(file: file.isEmpty ? nil : file.string, line: line, message: message,
                         severity: .error, category: IssueCategory.testFailure))
    }

    /// A suite that failed to load on a syntax error: a compilation error where Babel points.
    private func syntaxIssue() -> Issue? {
        guard suiteFailure, !syntaxError.isEmpty else { return nil }
        let bytes = syntaxError.bytes
        var errorFile = file.isEmpty ? nil : file.string
        var errorLine = line
        // `SyntaxError: <path>: <message> (line:column)`
        let start = 13
        if let separator = ByteScan.find(bytes, ": ", from: start), separator > start {
            let path = UnsafeBufferPointer(rebasing: bytes[start..<separator])
            if ByteScan.find(path, byte: 0x20) == nil { errorFile = NpmText.text(path) }
        }
        if bytes.count > 4, bytes[bytes.count - 1] == UInt8(ascii: ")"),
           let open = ByteScan.findLast(bytes, byte: UInt8(ascii: "(")),
           let row = ByteScan.number(bytes, at: open + 1), ByteScan.has(bytes, ":", at: row.end) {
            errorLine = row.value
        }
        let message = "Test suite failed to run: " + syntaxError.string
        return Issue(file: errorFile.map(NpmText.normalizedPath), line: errorLine, message: message,
                     severity: .error, category: IssueCategory.compilationError)
    }

    /// A stack frame: the first one in the test file gives the line.
    private mutating func frame(_ bytes: NpmLine.Bytes, from start: Int) {
        guard line == nil, frames < Self.maximumFrames else { return }
        frames += 1
        guard let frame = NpmText.frame(bytes, from: start) else { return }
        let path = UnsafeBufferPointer(rebasing: bytes[frame.path])
        if !file.isEmpty {
            if NpmText.samePath(file.bytes, path) { line = frame.line }
        } else if !NpmText.isForeignFrame(path), NpmText.looksLikeTestFile(path) {
            file.setPath(bytes, frame.path.lowerBound, frame.path.upperBound)
            line = frame.line
        }
    }

    /// `    > 4 |     expect(…)`, `      5 |   });`, `        |      ^`.
    private static func isCodeFrame(_ bytes: NpmLine.Bytes, from start: Int) -> Bool {
        var index = start
        if index < bytes.count, bytes[index] == UInt8(ascii: ">") { index = ByteScan.skipSpaces(bytes, from: index + 1) }
        if let number = ByteScan.number(bytes, at: index) { index = ByteScan.skipSpaces(bytes, from: number.end) }
        return index < bytes.count && bytes[index] == UInt8(ascii: "|")
    }

    /// The path of `FAIL ./x.test.js (5.2 s)` or, with a project name, `FAIL  name  ./x.test.js`.
    private static func suitePath(_ bytes: NpmLine.Bytes, from start: Int, into buffer: inout NpmBuffer) {
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        if end >= 2, bytes[end - 1] == UInt8(ascii: ")"), bytes[end - 2] == UInt8(ascii: "s"),
           let open = ByteScan.findLast(bytes, " (", before: end), open > start {
            end = open
        }
        var from = ByteScan.skipSpaces(bytes, from: start)
        if let gap = ByteScan.findLast(bytes, "  ", before: end), gap >= from { from = ByteScan.skipSpaces(bytes, from: gap) }
        buffer.setPath(bytes, from, end)
    }

    /// `1 failed, 1 skipped, 1 todo, 3 passed, 6 total` (the part after `Tests:`).
    private mutating func count(_ bytes: NpmLine.Bytes, from start: Int) {
        var summary = TestSummary(passed: 0, failed: 0, skipped: 0, total: 0)
        var index = start
        var sawTotal = false
        while index < bytes.count {
            index = ByteScan.skipSpaces(bytes, from: index)
            guard let number = ByteScan.number(bytes, at: index) else { break }
            let word = number.end + 1
            if ByteScan.has(bytes, "failed", at: word) { summary.failed &+= number.value }
            else if ByteScan.has(bytes, "passed", at: word) { summary.passed &+= number.value }
            else if ByteScan.has(bytes, "skipped", at: word) || ByteScan.has(bytes, "todo", at: word)
                        || ByteScan.has(bytes, "pending", at: word) { summary.skipped &+= number.value }
            else if ByteScan.has(bytes, "total", at: word) { summary.total = number.value; sawTotal = true }
            guard let comma = ByteScan.find(bytes, byte: UInt8(ascii: ","), from: word) else { break }
            index = comma + 1
        }
        guard sawTotal else { return }
        if summary.failed > 0 { failed = true }
        if tests == nil { tests = summary } else { tests? += summary }
    }
}
