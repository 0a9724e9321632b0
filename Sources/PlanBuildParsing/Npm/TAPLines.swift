import PlanBuildModel

/// node's test runner: TAP (what `node --test` prints when stdout is not a terminal) and the
/// `spec` reporter.
///
///     # Subtest: adds
///     not ok 1 - adds
///       ---
///       location: '/abs/test/a.test.js:5:3'      the test's file (and declaration line)
///       failureType: 'testCodeFailure'
///       error: |-
///         Expected values to be strictly equal:
///       stack: |-
///         TestContext.<anonymous> (/abs/test/a.test.js:6:12)   the failing line in that file
///       ...
///     not ok 2 - math                            a failing describe: `failureType: 'subtestsFailed'`,
///       ---                                      a roll-up of the failures above, not one of its own
///     # tests 9 / # pass 3 / # fail 3 / # cancelled 0 / # skipped 1 / # todo 2
///
/// A failure is named by the test's file and, like a Jest failure, by the line of the first stack
/// frame in that file (the failing assertion), else the declaration line of `location:`. tape's
/// blocks indent their keys deeper than `---` and name the failing assertion's frame with `at:`
/// (and its `expected:` / `actual:` values); its totals may have two spaces (`# pass  2`).
/// `not ok … # TODO` is not a failure. Todo tests count as skipped, cancelled ones as failed.
/// A run cut short prints no totals (the process exited): the test points at the margin are
/// counted then (`ok`: passed, `not ok`: failed, with a SKIP or TODO directive: skipped).
/// The spec reporter prints every failure twice; only its `failing tests:` list is read
/// (`test at path:line:col` then `✖ name`), with its `ℹ tests 9` counts.
struct TAPLines {
    private(set) var failed = false
    /// Failures read (repeats included).
    private(set) var diagnostics = 0
    private var counts = Counts()
    private var seen = NpmSeen()

    /// A `not ok` (or a spec `test at`) is being read.
    private var open = false
    private var spec = false
    private var name = NpmBuffer(capacity: 500)
    private var error = NpmBuffer()
    private var errorLines = 0
    /// The open failure's block has an `error:` key (node): tape's `expected:`/`actual:` are not read.
    private var hasErrorKey = false
    /// The spec reporter's error text is complete (its frames or object dump began).
    private var errorDone = false
    private var notFailure = false
    private var file = NpmBuffer(capacity: NpmText.maximumPath)
    private var declarationLine: Int?
    private var failingLine: Int?
    /// The first project frame of the stack, for a failure without `location:`.
    private var stackFile = NpmBuffer(capacity: NpmText.maximumPath)
    private var stackLine: Int?
    /// Frames read for the open failure (only the first few can be the test file's own).
    private var frames = 0
    private static let maximumFrames = 8

    /// Inside the YAML block of the open failure, whose `---` is indented this much.
    private var yamlIndent: Int?
    /// The indentation of the block's keys (node: that of `---`; tape: deeper), from its first line
    /// (-1 before it).
    private var yamlKeys = -1
    /// The YAML key whose multi-line value the deeper indented lines continue.
    private var yamlValue = YAMLValue.none
    /// After the spec reporter's `✖ failing tests:`.
    private var specFailures = false
    private static let maximumErrorLines = 4

    private enum YAMLValue { case none, error, stack }

    private struct Counts {
        var seen = false
        var tests = 0, pass = 0, fail = 0, skipped = 0, todo = 0, cancelled = 0
    }

    /// The test points at the margin, for a run that printed no totals.
    private var points = TestSummary(passed: 0, failed: 0, skipped: 0, total: 0)
    /// The open `not ok` is at the margin, and carries a SKIP or TODO directive.
    private var atMargin = false
    private var directive = false

    var tests: TestSummary? {
        if counts.seen {
            return TestSummary(passed: counts.pass, failed: counts.fail &+ counts.cancelled,
                               skipped: counts.skipped &+ counts.todo, total: counts.tests)
        }
        return points.total > 0 ? points : nil
    }

    /// A failure or the spec reporter's list is being read: every line matters.
    var busy: Bool { open || yamlIndent != nil || specFailures }

    mutating func consume(_ line: NpmLine, _ issues: inout IssueCollector) {
        if let start = yamlIndent {
            if yaml(line, start: start, &issues) { return }
        }
        if specFailures, specList(line, &issues) { return }
        if line.isBlank { return }
        let bytes = line.bytes
        switch line.lead {
        case UInt8(ascii: "n"):
            if ByteScan.has(bytes, "not ok ", at: line.indent) {
                commit(&issues)
                notOk(line)
                return
            }
        case UInt8(ascii: "o"):
            if ByteScan.has(bytes, "ok ", at: line.indent) {
                commit(&issues)
                if line.indent == 0, ByteScan.isDigit(ByteScan.byte(bytes, 3)) {
                    if Self.directive(bytes, from: 3) != nil { points.skipped &+= 1 } else { points.passed &+= 1 }
                    points.total &+= 1
                }
                return
            }
        case UInt8(ascii: "-"):
            if open, !spec, ByteScan.has(bytes, "---", at: line.indent), line.indent + 3 == bytes.count {
                yamlIndent = line.indent
                yamlKeys = -1
                yamlValue = .none
                return
            }
        case UInt8(ascii: "#"):
            if line.indent == 0 { summary(bytes, from: 2) }
        case 0xE2:
            if line.indent == 0 {
                if ByteScan.has(bytes, "ℹ ", at: 0) { summary(bytes, from: 4) }
                else if ByteScan.has(bytes, "✖ failing tests:", at: 0) { commit(&issues); specFailures = true; return }
            }
        default:
            break
        }
        // A `not ok` without a YAML block.
        if open, !spec { commit(&issues) }
    }

    mutating func finish(_ issues: inout IssueCollector) { commit(&issues) }

    private mutating func start(spec: Bool) {
        open = true
        self.spec = spec
        name.reset()
        error.reset()
        errorLines = 0
        hasErrorKey = false
        errorDone = false
        notFailure = false
        file.reset()
        declarationLine = nil
        failingLine = nil
        stackFile.reset()
        stackLine = nil
        frames = 0
        yamlIndent = nil
        yamlKeys = -1
        yamlValue = .none
        atMargin = false
        directive = false
    }

    /// `not ok 3 - name # TODO reason`.
    private mutating func notOk(_ line: NpmLine) {
        let bytes = line.bytes
        start(spec: false)
        var from = line.indent + 7
        if let number = ByteScan.number(bytes, at: from) {
            from = number.end
            atMargin = line.indent == 0
        }
        from = ByteScan.skipSpaces(bytes, from: from)
        if ByteScan.has(bytes, "- ", at: from) { from += 2 }
        var end = bytes.count
        if let hash = Self.directive(bytes, from: from) {
            notFailure = true
            directive = true
            end = hash
        }
        name.appendTrimmed(bytes, from, end)
    }

    /// Where ` # TODO` / ` # SKIP` (any case of the word) starts at or after `from`, if the test
    /// point carries one.
    private static func directive(_ bytes: NpmLine.Bytes, from: Int) -> Int? {
        // Most test points have no `#`: one memchr says so.
        guard ByteScan.find(bytes, byte: UInt8(ascii: "#"), from: from) != nil,
              let hash = ByteScan.findLast(bytes, " # "), hash >= from else { return nil }
        let word = ByteScan.skipSpaces(bytes, from: hash + 3)
        return ByteScan.has(bytes, "TODO", at: word) || ByteScan.has(bytes, "todo", at: word)
            || ByteScan.has(bytes, "SKIP", at: word) || ByteScan.has(bytes, "skip", at: word) ? hash : nil
    }

    /// A line of the YAML diagnostics block under a `not ok` whose `---` is indented `start`; false
    /// when the block ended without `...` (the line is then read as any other).
    private mutating func yaml(_ line: NpmLine, start: Int, _ issues: inout IssueCollector) -> Bool {
        let bytes = line.bytes
        if line.isBlank { return true }
        if line.indent <= start, ByteScan.has(bytes, "...", at: line.indent), line.indent + 3 == bytes.count {
            commit(&issues)
            return true
        }
        if yamlKeys < 0 { yamlKeys = max(line.indent, start) }
        let keys = yamlKeys
        if line.indent < keys {
            commit(&issues)
            return false
        }
        if line.indent > keys {
            switch yamlValue {
            case .error:
                if errorLines < Self.maximumErrorLines {
                    errorLines += 1
                    error.appendTrimmed(bytes, line.indent, bytes.count, separator: 0x0A)
                }
            case .stack:
                stackFrame(bytes, from: line.indent)
                // The rest of the stack cannot change the place any more.
                if failingLine != nil || frames >= Self.maximumFrames || (file.isEmpty && !stackFile.isEmpty) { yamlValue = .none }
            case .none:
                break
            }
            return true
        }
        yamlValue = .none
        let key = line.indent
        if ByteScan.has(bytes, "location: ", at: key) {
            location(bytes, from: key + 10)
        } else if ByteScan.has(bytes, "failureType: ", at: key) {
            if ByteScan.find(bytes, "subtestsFailed", from: key) != nil { notFailure = true }
        } else if ByteScan.has(bytes, "error: ", at: key) {
            hasErrorKey = true
            let value = ByteScan.trimmed(bytes, key + 7, bytes.count)
            if value.count <= 2, value.count > 0, bytes[value.lowerBound] == UInt8(ascii: "|") || bytes[value.lowerBound] == UInt8(ascii: ">") {
                yamlValue = .error
            } else if !value.isEmpty {
                var range = value
                if range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "'") || bytes[range.lowerBound] == UInt8(ascii: "\""),
                   bytes[range.upperBound - 1] == bytes[range.lowerBound] {
                    range = (range.lowerBound + 1)..<(range.upperBound - 1)
                }
                error.append(UnsafeBufferPointer(rebasing: bytes[range]), separator: 0x0A)
                errorLines += 1
            }
        } else if ByteScan.has(bytes, "stack: ", at: key) {
            yamlValue = .stack
        } else if ByteScan.has(bytes, "at: ", at: key) {
            // tape: the failing assertion's frame.
            stackFrame(bytes, from: key + 4)
        } else if ByteScan.has(bytes, "expected: ", at: key) || ByteScan.has(bytes, "actual: ", at: key),
                  errorLines < Self.maximumErrorLines, !hasErrorKey {
            // tape's values, when no `error:` explains the failure.
            errorLines += 1
            error.appendTrimmed(bytes, key, bytes.count, separator: 0x0A)
        }
        return true
    }

    /// `'/abs/x.test.js:12:3'`: the test's file and declaration line.
    private mutating func location(_ bytes: NpmLine.Bytes, from start: Int) {
        var range = ByteScan.trimmed(bytes, start, bytes.count)
        if range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "'") || bytes[range.lowerBound] == UInt8(ascii: "\""),
           bytes[range.upperBound - 1] == bytes[range.lowerBound] {
            range = (range.lowerBound + 1)..<(range.upperBound - 1)
        }
        guard let position = Self.position(bytes, range.lowerBound, range.upperBound) else { return }
        file.setPath(bytes, position.path.lowerBound, position.path.upperBound)
        declarationLine = position.line
    }

    /// A stack frame (with or without `at `): the first one in the test's file gives the failing line.
    private mutating func stackFrame(_ bytes: NpmLine.Bytes, from start: Int) {
        // Done once the failing line is known, or (without `location:`) once a project frame is.
        guard failingLine == nil, frames < Self.maximumFrames, !file.isEmpty || stackFile.isEmpty else { return }
        frames += 1
        let from = ByteScan.has(bytes, "at ", at: start) ? start + 3 : start
        guard let frame = NpmText.frame(bytes, from: from) else { return }
        let path = UnsafeBufferPointer(rebasing: bytes[frame.path])
        if !file.isEmpty {
            if NpmText.samePath(file.bytes, path) { failingLine = frame.line }
        } else if stackFile.isEmpty, !NpmText.isForeignFrame(path), ByteScan.find(path, byte: UInt8(ascii: "/")) != nil {
            stackFile.setPath(bytes, frame.path.lowerBound, frame.path.upperBound)
            stackLine = frame.line
        }
    }

    /// `path:line:col` or `path:line` exactly filling `start..<end`.
    static func position(_ bytes: NpmLine.Bytes, _ start: Int, _ end: Int) -> (path: Range<Int>, line: Int)? {
        guard let last = ByteScan.findLast(bytes, byte: UInt8(ascii: ":"), from: start, to: end),
              let lastNumber = ByteScan.wholeNumber(bytes, last + 1, end) else { return nil }
        if let previous = ByteScan.findLast(bytes, byte: UInt8(ascii: ":"), from: start, to: last),
           let row = ByteScan.wholeNumber(bytes, previous + 1, last) {
            return previous > start ? (start..<previous, row) : nil
        }
        return last > start ? (start..<last, lastNumber) : nil
    }

    /// The spec reporter's list of failures: `test at path:line:col`, `✖ name (1.2ms)`, the error
    /// and its stack. Returns false when the line ends the list (it is then read as any other).
    private mutating func specList(_ line: NpmLine, _ issues: inout IssueCollector) -> Bool {
        let bytes = line.bytes
        if line.isBlank { return true }
        if line.indent == 0 {
            if ByteScan.has(bytes, "test at ", at: 0) {
                commit(&issues)
                start(spec: true)
                let range = ByteScan.trimmed(bytes, 8, bytes.count)
                if let position = Self.position(bytes, range.lowerBound, range.upperBound) {
                    file.setPath(bytes, position.path.lowerBound, position.path.upperBound)
                    declarationLine = position.line
                }
                return true
            }
            if open, spec, name.isEmpty, ByteScan.has(bytes, "✖ ", at: 0) {
                var end = ByteScan.trimmed(bytes, 0, bytes.count).upperBound
                if let hash = ByteScan.findLast(bytes, " # ", before: end) {
                    if ByteScan.has(bytes, "TODO", at: hash + 3) || ByteScan.has(bytes, "SKIP", at: hash + 3) { notFailure = true }
                    end = hash
                }
                if end > 4, bytes[end - 1] == UInt8(ascii: ")"), let paren = ByteScan.findLast(bytes, " (", before: end), paren > 4 {
                    end = paren
                }
                name.appendTrimmed(bytes, 4, end)
                return true
            }
            commit(&issues)
            specFailures = false
            return false
        }
        guard open, spec else { return true }
        if ByteScan.has(bytes, "at ", at: line.indent) {
            errorDone = true
            stackFrame(bytes, from: line.indent)
        } else if !errorDone {
            var end = bytes.count
            if bytes.count >= 2, bytes[end - 1] == UInt8(ascii: "{"), bytes[end - 2] == 0x20 { end -= 2; errorDone = true }
            error.appendTrimmed(bytes, line.indent, end, separator: 0x0A)
            errorLines += 1
            if errorLines >= Self.maximumErrorLines { errorDone = true }
        }
        return true
    }

    private mutating func commit(_ issues: inout IssueCollector) {
        guard open else { return }
        open = false
        yamlIndent = nil
        yamlKeys = -1
        yamlValue = .none
        if atMargin {
            // A roll-up of a failing describe is no test point of its own.
            if directive { points.skipped &+= 1; points.total &+= 1 }
            else if !notFailure { points.failed &+= 1; points.total &+= 1 }
        }
        guard !notFailure else { return }
        failed = true
        diagnostics &+= 1
        let useStack = file.isEmpty
        let line = useStack ? stackLine : (failingLine ?? declarationLine)
        var fingerprint = Fingerprint(kind: 5)
        fingerprint.add(name)
        fingerprint.add(error)
        fingerprint.add(useStack ? stackFile : file)
        fingerprint.add(line)
        guard seen.isNew(fingerprint.value) else { return }
        var message = name.isEmpty ? "test failed" : name.string
        if !error.isEmpty { message += "\n" + error.string }
        let path = useStack ? stackFile : file
        issues.add(Issue(file: path.isEmpty ? nil : path.string, line: line, message: message,
                         severity: .error, category: IssueCategory.testFailure))
    }

    /// `# tests 9`, `# pass 3`, … (TAP) or `ℹ tests 9`, … (spec), the label starting at `start`.
    private mutating func summary(_ bytes: NpmLine.Bytes, from start: Int) {
        // Labels start with a lower-case letter (`# Subtest: …` does not).
        guard start < bytes.count, bytes[start] >= UInt8(ascii: "a"), bytes[start] <= UInt8(ascii: "z") else { return }
        func value(_ label: StaticString) -> Int? {
            guard ByteScan.has(bytes, label, at: start) else { return nil }
            // tape pads the label: `# pass  2`.
            guard let number = ByteScan.number(bytes, at: ByteScan.skipSpaces(bytes, from: start + label.utf8CodeUnitCount)),
                  number.end == ByteScan.trimmed(bytes, 0, bytes.count).upperBound else { return nil }
            return number.value
        }
        if let n = value("tests ") { counts.tests &+= n; counts.seen = true }
        else if let n = value("pass ") { counts.pass &+= n }
        else if let n = value("fail ") { counts.fail &+= n; if n > 0 { failed = true } }
        else if let n = value("skipped ") { counts.skipped &+= n }
        else if let n = value("todo ") { counts.todo &+= n }
        else if let n = value("cancelled ") { counts.cancelled &+= n; if n > 0 { failed = true } }
    }
}
