import PlanBuildModel

/// pytest's report: the failure and error sections, the short summary and the closing counts.
///
/// A section entry starts with its header, `____ test_name ____` (or `ERROR at setup of …`,
/// `ERROR collecting path`), and runs to the next header or `====` rule. Within it the first `E`
/// line is the message and the traceback entries (`path.py:N: …` at the margin) give the place:
/// the first entry in a test file, else the last entry (long tracebacks end at the raising line,
/// short ones name each frame with `in function`). An error at setup that has no traceback (a
/// fixture not found) names its place as `file /abs/tests/test_x.py, line N`; a collection error
/// without a traceback (`import file mismatch:`) has no `E` line either: its first line is the
/// message. An entry's issue is added when it ends.
/// `FAILED`/`ERROR` lines of the short summary add tests whose entry was not printed (`--tb=no`).
/// Each warning of the `warnings summary` section (`  path.py:N: DeprecationWarning: message`) is a
/// warning issue.
/// The closing line (`3 failed, 2 passed, 1 skipped, 1 error in 0.37s`, its words in any order)
/// gives the counts as pytest counts them: an error (at setup, teardown or collection) is no failed
/// test — a collection error ran no test, a teardown error follows a test already counted — but it
/// fails the run; xfailed counts as skipped, xpassed as passed; warnings, deselected tests and
/// reruns are not tests.
struct PytestLines {
    private var inEntry = false
    /// The entry's header (the name between the rules), its first `E` line and the two candidate
    /// places, kept as bytes while the entry is read: a log repeating an entry (a test failing in
    /// every run of a CI log) costs a fingerprint of these bytes, and Strings are made only for an
    /// entry not seen before (its fingerprint fixes everything its issue is made of).
    /// NpmBuffers, owned by this reader like every Python and npm recognizer's: no copy-on-write
    /// check (a call into the Swift runtime) for every line an entry copies.
    private var header = NpmBuffer(capacity: NpmText.maximumPath)
    private var message = NpmBuffer(capacity: NpmText.maximumMessage)
    /// The entry's name and its lines after the header, as printed (an error's traceback block), bounded.
    private var detail = NpmBuffer(capacity: Self.maximumDetail)
    static let maximumDetail = 8 << 10
    /// The entry is an error (its name starts with `ERROR `: collection, set-up, tear-down), whose
    /// issue carries the detail; a failed test's issue does not, so its lines are not copied.
    private var keepsDetail = false
    private var hasMessage = false
    private var messageIsImport = false
    /// The entry is a collection error (`ERROR collecting path`), and its first line of text: the
    /// message when no `E` line gives one.
    private var collecting = false
    private var firstLine = NpmBuffer(capacity: NpmText.maximumMessage)
    /// Inside the `warnings summary` section.
    private var warningsSection = false
    private var seenWarnings = NpmSeen()
    private var testFile = PytestFrame()
    private var lastFrame = PytestFrame()
    private var seenEntries = NpmSeen()
    private var seenSummaryLines = NpmSeen()
    /// Entries already reported, by the name in their header, so the short summary adds only the rest.
    private var reported: Set<String> = []
    private(set) var tests: TestSummary?
    private(set) var failed = false

    var busy: Bool { inEntry || warningsSection }

    mutating func consume(_ line: NpmLine, location: PythonLocation?, _ collector: inout IssueCollector) {
        let bytes = line.bytes
        if inEntry, keepsDetail, !(line.indent == 0 && (bytes[0] == UInt8(ascii: "=") || (bytes[0] == UInt8(ascii: "_") && bytes.count > 2
                                                                             && (bytes[1] == UInt8(ascii: "_") || bytes[1] == 0x20)))) {
            // (Never an empty line: blank lines do not come here.)
            detail.append(bytes, separator: 0x0A)
        }
        if line.indent == 0 {
            let lead = bytes[0]
            // `____ name ____`, or as short as `_ ERROR collecting path _`.
            if lead == UInt8(ascii: "_"), bytes.count > 2, bytes[1] == UInt8(ascii: "_")
                || (bytes[1] == 0x20 && bytes[bytes.count - 1] == UInt8(ascii: "_") && bytes[bytes.count - 2] == 0x20) {
                close(&collector)
                open(bytes)
                return
            }
            if lead == UInt8(ascii: "=") {
                close(&collector)
                counts(bytes, rule: true)
                return
            }
            if inEntry {
                if lead == UInt8(ascii: "E"), bytes.count > 1, bytes[1] == 0x20 {
                    if !hasMessage { takeMessage(bytes) }
                    return
                }
                if let location, location.line > 0 {
                    lastFrame.set(bytes, 0, location.pathEnd, location.line)
                    if !testFile.isSet, Self.isTestFile(bytes, location.pathEnd) { testFile.set(bytes, 0, location.pathEnd, location.line) }
                } else if lead == UInt8(ascii: "f"), let place = Self.fileAndLine(bytes) {
                    lastFrame.set(bytes, place.path.lowerBound, place.path.upperBound, place.line)
                    if !testFile.isSet { testFile.set(bytes, place.path.lowerBound, place.path.upperBound, place.line) }
                } else if collecting, firstLine.isEmpty, location == nil {
                    // A collection error without a traceback has no `E` line: its first line
                    // says what failed.
                    let range = ByteScan.textRange(bytes, 0, bytes.count, limit: NpmText.maximumMessage)
                    firstLine.set(UnsafeBufferPointer(rebasing: bytes[range]))
                }
                return
            }
            if warningsSection, lead == UInt8(ascii: "-"), ByteScan.has(bytes, "-- Docs:", at: 0) {
                warningsSection = false
                return
            }
            if lead == UInt8(ascii: "F") || lead == UInt8(ascii: "E") {
                summaryLine(bytes, &collector)
                return
            }
            if ByteScan.isDigit(lead) || lead == UInt8(ascii: "n") { counts(bytes) }
        } else if inEntry, line.lead == UInt8(ascii: "E"), !hasMessage {
            // Long tracebacks indent the `E` lines under the source they explain.
            let body = line.body
            if body.count > 1, body[1] == 0x20 { takeMessage(body) }
        } else if warningsSection, line.indent == 2 {
            warning(line.body, &collector)
        }
    }

    /// The first `E` line of an entry: its message (bytes `1…` of the line, as NpmText.text keeps them).
    private mutating func takeMessage(_ bytes: UnsafeBufferPointer<UInt8>) {
        hasMessage = true
        let range = ByteScan.textRange(bytes, 1, bytes.count, limit: NpmText.maximumMessage)
        message.set(UnsafeBufferPointer(rebasing: bytes[range]))
        messageIsImport = ByteScan.find(bytes, "ImportError") != nil || ByteScan.find(bytes, "ModuleNotFoundError") != nil
    }

    /// `file /abs/tests/test_x.py, line 15`: the place of an error at setup that has no traceback.
    private static func fileAndLine(_ bytes: UnsafeBufferPointer<UInt8>) -> (path: Range<Int>, line: Int)? {
        guard ByteScan.has(bytes, "file ", at: 0), let comma = ByteScan.findLast(bytes, ", line "),
              let row = ByteScan.wholeNumber(bytes, comma + 7, ByteScan.trimEnd(bytes, from: comma + 7, to: bytes.count)),
              comma > 5 else { return nil }
        return (5..<comma, row)
    }

    /// `/abs/tests/test_x.py:23: DeprecationWarning: message` under a test of the warnings summary.
    private mutating func warning(_ body: UnsafeBufferPointer<UInt8>, _ collector: inout IssueCollector) {
        guard let location = PythonLocation.read(body), let row = location.lineNumber, location.rest < body.count else { return }
        var fingerprint = Fingerprint(kind: 46)
        fingerprint.add(body)
        guard seenWarnings.isNew(fingerprint.value) else { return }
        let text = NpmText.text(body, location.rest, body.count)
        let deprecation = ByteScan.find(body, "DeprecationWarning", from: location.rest) != nil
        collector.add(Issue(file: location.path(body), line: row, message: text, severity: .warning,
                            category: deprecation ? IssueCategory.deprecationWarning : IssueCategory.other))
    }

    mutating func finish(_ collector: inout IssueCollector) {
        close(&collector)
    }

    private mutating func open(_ bytes: UnsafeBufferPointer<UInt8>) {
        // The rules are long runs of `_`: eight at a time first.
        var start = Self.afterRun(of: UInt8(ascii: "_"), bytes, from: 0)
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: "_") || bytes[start] == 0x20 { start += 1 }
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while end - start >= 8, raw.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) == 0x5F5F_5F5F_5F5F_5F5F { end -= 8 }
        }
        while end > start, bytes[end - 1] == UInt8(ascii: "_") || bytes[end - 1] == 0x20 { end -= 1 }
        guard start < end else { return }
        inEntry = true
        let name = ByteScan.textRange(bytes, start, end, limit: NpmText.maximumPath)
        header.set(UnsafeBufferPointer(rebasing: bytes[name]))
        message.reset()
        keepsDetail = ByteScan.has(bytes, "ERROR ", at: name.lowerBound)
        if keepsDetail { detail.set(UnsafeBufferPointer(rebasing: bytes[name])) } else { detail.reset() }
        hasMessage = false
        messageIsImport = false
        collecting = ByteScan.has(bytes, "ERROR collecting ", at: name.lowerBound)
        firstLine.reset()
        testFile.clear()
        lastFrame.clear()
    }

    private mutating func close(_ collector: inout IssueCollector) {
        guard inEntry else { return }
        inEntry = false
        failed = true
        if !hasMessage, !firstLine.isEmpty {
            message.set(firstLine)
            let bytes = firstLine.bytes
            messageIsImport = ByteScan.has(bytes, "import file mismatch", at: 0) || ByteScan.find(bytes, "ImportError") != nil
            hasMessage = true
        }
        // The same bytes make the same issue and the same `reported` name: a repeat adds nothing.
        var fingerprint = Fingerprint(kind: 41)
        fingerprint.add(header)
        fingerprint.add(hasMessage ? (messageIsImport ? 2 : 1) : 0)
        fingerprint.add(message)
        // A copy shares the path's storage: it is only read, before either frame changes.
        let place = testFile.isSet ? testFile : lastFrame
        fingerprint.add(place.line)
        fingerprint.add(place.path)
        guard seenEntries.isNew(fingerprint.value) else { return }

        let name = header.string
        let entryIsCollection = name.hasPrefix("ERROR collecting ")
        // An error entry (collection, set-up, tear-down) is no test result: its message is the
        // error itself, its traceback block the detail.
        let entryIsError = name.hasPrefix("ERROR ")
        let entryName = Self.testName(name)
        let file = place.isSet ? NpmText.normalizedPath(place.path.string) : nil
        var text = hasMessage ? message.string : (entryIsCollection ? "Error collecting \(entryName)" : entryName)
        if hasMessage, !entryName.isEmpty, !entryIsError { text = entryName + ": " + text }
        collector.add(Issue(file: file ?? (entryIsCollection ? entryName : nil), line: place.line, message: text, severity: .error,
                            category: entryIsError ? IssueCategory.testCollectionError : IssueCategory.testFailure,
                            detail: entryIsError && !detail.isEmpty ? detail.string : nil))
        if reported.count < IssueCollector.maximumIssues { reported.insert(entryName) }
    }

    /// `FAILED tests/x.py::Class::test - message` or `ERROR tests/x.py::test - message`.
    private mutating func summaryLine(_ bytes: UnsafeBufferPointer<UInt8>, _ collector: inout IssueCollector) {
        let start: Int
        if ByteScan.has(bytes, "FAILED ", at: 0) { start = 7 } else if ByteScan.has(bytes, "ERROR ", at: 0) { start = 6 } else { return }
        let dash = ByteScan.find(bytes, " - ", from: start) ?? bytes.count
        let nodeRange = ByteScan.textRange(bytes, start, dash, limit: NpmText.maximumPath)
        guard !nodeRange.isEmpty, bytes[nodeRange.lowerBound] != UInt8(ascii: " ") else { return }
        failed = true
        // A line read before was either reported or left out then, and `reported` only grows:
        // reading it again changes nothing.
        var fingerprint = Fingerprint(kind: 42)
        fingerprint.add(bytes)
        guard seenSummaryLines.isNew(fingerprint.value) else { return }
        let node = ByteScan.string(bytes, nodeRange.lowerBound, nodeRange.upperBound)
        // `path::Class::test`, split on the bytes (a String split by "::" was half the parse time).
        var parts: [String] = []
        var from = start
        while let separator = ByteScan.find(bytes, "::", from: from), separator < dash {
            parts.append(ByteScan.text(bytes, from, separator, limit: NpmText.maximumPath))
            from = separator + 2
        }
        parts.append(ByteScan.text(bytes, from, dash, limit: NpmText.maximumPath))
        // The entry header names `Class.test` for `path::Class::test`, and the path for a collection error.
        let name = parts.count > 1 ? parts.dropFirst().joined(separator: ".") : node
        guard !reported.contains(name), !reported.contains("ERROR collecting " + node) else { return }
        guard parts[0].hasSuffix(".py") else { return }
        // Without a reason pytest names only the test; an ERROR line is the error itself.
        let isError = start == 6
        let reason = dash < bytes.count ? NpmText.text(bytes, dash + 3, bytes.count) : nil
        let message: String
        switch (isError, reason) {
        case (false, let reason?): message = name + ": " + reason
        case (false, nil): message = "Test \(name) failed"
        case (true, let reason?): message = reason
        case (true, nil): message = parts.count > 1 ? "Error in \(name)" : "Error collecting \(node)"
        }
        collector.add(Issue(file: NpmText.normalizedPath(parts[0]), line: nil, message: message, severity: .error,
                            category: isError ? IssueCategory.testCollectionError : IssueCategory.testFailure))
    }

    /// The closing counts, bare (`-q`) or between `=` rules (`-v`):
    /// `3 failed, 2 passed, 1 skipped, 1 error in 0.37s`, `no tests ran in 0.01s`; a rule also
    /// opens or closes the warnings summary section.
    private mutating func counts(_ bytes: UnsafeBufferPointer<UInt8>, rule: Bool = false) {
        var index = Self.afterRun(of: UInt8(ascii: "="), bytes, from: 0)
        while index < bytes.count, bytes[index] == UInt8(ascii: "=") || bytes[index] == 0x20 { index += 1 }
        if rule {
            // A rule's title names its section; only warnings are read out of theirs.
            warningsSection = ByteScan.byte(bytes, index) == UInt8(ascii: "w") && ByteScan.has(bytes, "warnings summary ", at: index)
        }
        // Only a number or `no tests ran` can start the counts (the rules' titles end here).
        guard index < bytes.count, ByteScan.isDigit(bytes[index]) || ByteScan.has(bytes, "no tests ran", at: index) else { return }
        guard let timing = Self.lastIn(bytes), timing > index,
              ByteScan.isDigit(timing + 4 < bytes.count ? bytes[timing + 4] : 0) else { return }
        if ByteScan.has(bytes, "no tests ran", at: index) {
            add(TestSummary(passed: 0, failed: 0, skipped: 0))
            return
        }
        var summary = TestSummary(passed: 0, failed: 0, skipped: 0)
        var errors = 0
        var known = false
        while index < timing {
            guard let number = ByteScan.number(bytes, at: index), ByteScan.has(bytes, " ", at: number.end) else { return }
            var wordEnd = number.end + 1
            while wordEnd < timing, bytes[wordEnd] != UInt8(ascii: ",") { wordEnd += 1 }
            // The word compared on its bytes (trimmed, as NpmText.text would make it).
            let word = ByteScan.textRange(bytes, number.end + 1, wordEnd, limit: NpmText.maximumMessage)
            let (from, to) = (word.lowerBound, word.upperBound)
            if ByteScan.equals(bytes, from, to, "passed") || ByteScan.equals(bytes, from, to, "xpassed") {
                summary.passed &+= number.value; known = true
            } else if ByteScan.equals(bytes, from, to, "failed") {
                summary.failed &+= number.value; known = true
            } else if ByteScan.equals(bytes, from, to, "error") || ByteScan.equals(bytes, from, to, "errors") {
                errors &+= number.value; known = true
            } else if ByteScan.equals(bytes, from, to, "skipped") || ByteScan.equals(bytes, from, to, "xfailed") {
                summary.skipped &+= number.value; known = true
            } else if !(ByteScan.equals(bytes, from, to, "warning") || ByteScan.equals(bytes, from, to, "warnings")
                        || ByteScan.equals(bytes, from, to, "deselected") || ByteScan.equals(bytes, from, to, "rerun")
                        || ByteScan.equals(bytes, from, to, "reruns") || ByteScan.equals(bytes, from, to, "subtests passed")) {
                return
            }
            index = ByteScan.skipSpaces(bytes, from: wordEnd + 1)
        }
        guard known else { return }
        summary.total = summary.passed &+ summary.failed &+ summary.skipped
        summary.durationSeconds = Self.seconds(bytes, from: timing + 4)
        if summary.failed > 0 || errors > 0 { failed = true }
        add(summary)
    }

    /// `412.87` of `in 412.87s`: digits and one dot, at most 12 bytes; nil when none.
    private static func seconds(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Double? {
        var end = start
        while end < bytes.count, end - start < 12, ByteScan.isDigit(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
        guard end > start, end < bytes.count, bytes[end] == UInt8(ascii: "s") else { return nil }
        return ByteScan.decimal(bytes, start, end)
    }

    /// The offset after a run of `byte` from `from`, eight bytes at a time (an approximate end: the
    /// caller's own loop finishes the run byte by byte).
    private static func afterRun(of byte: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = bytes.baseAddress else { return from }
        let raw = UnsafeRawPointer(base)
        let word = UInt64(byte) &* 0x0101_0101_0101_0101
        var index = from
        while bytes.count - index >= 8, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) == word { index += 8 }
        return index
    }

    /// The last ` in ` of the line (found forwards with memchr: most lines have few `i`s, and a
    /// byte-by-byte search backwards cost more than the rest of a rule line's reading).
    private static func lastIn(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var last: Int?
        var from = 0
        while let at = ByteScan.find(bytes, " in ", from: from) {
            last = at
            from = at + 1
        }
        return last
    }

    /// Several pytest runs in one log (one per module) add up.
    private mutating func add(_ summary: TestSummary) {
        if tests == nil { tests = summary } else { tests? += summary }
    }

    /// `Class.test` from `TestMore.test_div`, the path from `ERROR collecting tests/x.py`,
    /// the test from `ERROR at setup of TestMore.test_fixture`.
    private static func testName(_ header: String) -> String {
        for prefix in ["ERROR collecting ", "ERROR at setup of ", "ERROR at teardown of "] where header.hasPrefix(prefix) {
            return String(header.dropFirst(prefix.count))
        }
        return header
    }

    /// pytest's own naming: `test_*.py` or `*_test.py`, or anything under a `tests`/`test` folder.
    private static func isTestFile(_ bytes: UnsafeBufferPointer<UInt8>, _ pathEnd: Int) -> Bool {
        let path = UnsafeBufferPointer(rebasing: bytes[0..<pathEnd])
        let slash = ByteScan.findLast(path, byte: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        if ByteScan.has(path, "test_", at: slash) || ByteScan.find(path, "_test.py", from: slash) != nil { return true }
        return ByteScan.has(path, "tests/", at: 0) || ByteScan.has(path, "test/", at: 0)
            || ByteScan.find(path, "/tests/") != nil || ByteScan.find(path, "/test/") != nil
    }
}

/// A traceback entry's place (`path.py:N:` at the margin, or `file path, line N`) as bytes: the
/// path as `PythonLocation.path` would make it, before normalising. Its path is an NpmBuffer: a
/// copy of the frame shares it.
struct PytestFrame {
    private(set) var path = NpmBuffer(capacity: NpmText.maximumPath)
    private(set) var line: Int?

    var isSet: Bool { line != nil }

    mutating func set(_ bytes: UnsafeBufferPointer<UInt8>, _ pathStart: Int, _ pathEnd: Int, _ row: Int) {
        let range = ByteScan.textRange(bytes, pathStart, pathEnd, limit: NpmText.maximumPath)
        path.set(UnsafeBufferPointer(rebasing: bytes[range]))
        line = row
    }

    mutating func clear() {
        line = nil
        path.reset()
    }
}
