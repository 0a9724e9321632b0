import PlanBuildModel

/// ruff's findings. Before 0.12 its full format and its concise format start each finding with
/// `file:line:col: CODE [*] message`; since 0.12 the full format puts `CODE [*] message` alone on a
/// line and the place on the next, ` --> file:line:col` (then the source frame and `help:` lines,
/// skipped as indented or as no finding). A syntax error has no rule code: `SyntaxError: message`
/// before 0.12, `invalid-syntax: message` since. A finding fails `ruff check`, so each is an error.
/// `Found N error(s).` marks the failed check.
struct RuffLines {
    private(set) var failed = false
    /// Findings read before (the same line is the same, already added, issue).
    private var seenLines = NpmSeen()
    /// The line of a finding of the full format since 0.12, while its ` --> ` line is due.
    private var finding = NpmBuffer()
    /// The next line should be the ` --> ` place of `finding` (any other line ends the wait).
    var awaitingLocation = false

    /// Reads a ruff finding at `location`; false when the line is not one.
    mutating func diagnostic(_ line: NpmLine, _ location: PythonLocation, _ collector: inout IssueCollector) -> Bool {
        let bytes = line.bytes
        let start = location.rest
        guard location.column != nil, Self.startsFinding(bytes, at: start) else { return false }
        failed = true
        var fingerprint = Fingerprint(kind: 44)
        fingerprint.add(bytes)
        guard seenLines.isNew(fingerprint.value) else { return true }
        collector.add(Issue(file: location.path(bytes), line: location.lineNumber,
                            message: NpmText.text(bytes, start, bytes.count), severity: .error,
                            category: IssueCategory.lintError))
        return true
    }

    /// Whether a line at the margin may be a finding of the full format since 0.12, on its first
    /// bytes: a rule code (one to five capitals, then a digit) or `invalid-syntax`.
    @inline(__always) static func mayBeFinding(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let lead = ByteScan.byte(bytes, 0)
        if ByteScan.isUpper(lead) {
            // Up to five capitals, then a digit (`FAILED`, `ERROR`, `E   …` stop here).
            var index = 1
            while index < 5, ByteScan.isUpper(ByteScan.byte(bytes, index)) { index += 1 }
            return ByteScan.isDigit(ByteScan.byte(bytes, index))
        }
        return lead == UInt8(ascii: "i") && ByteScan.byte(bytes, 1) == UInt8(ascii: "n")
    }

    /// `F401 [*] message` or `invalid-syntax: message` alone on a line: kept until the next line
    /// says where (` --> file:line:col`). True when the line is one.
    @inline(never) mutating func finding(_ line: NpmLine) -> Bool {
        let bytes = line.bytes
        guard line.indent == 0, Self.startsFinding(bytes, at: 0) else { return false }
        finding.set(bytes)
        awaitingLocation = true
        return true
    }

    /// The line after a finding: its ` --> file:line:col` makes the issue. False when the line is
    /// something else (the finding was then no finding of ruff's).
    @inline(never) mutating func location(_ line: NpmLine, _ collector: inout IssueCollector) -> Bool {
        awaitingLocation = false
        let bytes = line.bytes
        guard line.indent > 0, ByteScan.has(bytes, "--> ", at: line.indent),
              let place = NpmText.frame(bytes, from: line.indent + 4) else { return false }
        failed = true
        var fingerprint = Fingerprint(kind: 45)
        fingerprint.add(finding)
        fingerprint.add(bytes)
        guard seenLines.isNew(fingerprint.value) else { return true }
        let path = NpmText.normalizedPath(ByteScan.text(bytes, place.path.lowerBound, place.path.upperBound, limit: NpmText.maximumPath))
        collector.add(Issue(file: path, line: place.line, message: NpmText.text(finding.bytes),
                            severity: .error, category: IssueCategory.lintError))
        return true
    }

    /// `Found 3 errors.` (ruff's closing line; mypy's says `in N files`).
    mutating func summary(_ line: NpmLine) {
        let bytes = line.bytes
        if ByteScan.has(bytes, "Found ", at: 0), ByteScan.number(bytes, at: 6) != nil,
           ByteScan.find(bytes, " error") != nil, ByteScan.find(bytes, " in ") == nil {
            failed = true
        }
    }

    /// Whether a finding's text starts at `start`: a rule code (capital letters then digits: F401,
    /// E711, PLR2004, ASYNC100, then a space) or a syntax error's word.
    private static func startsFinding(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var index = start
        let letters = min(bytes.count, start + 6)
        while index < letters, ByteScan.isUpper(bytes[index]) { index += 1 }
        if index > start, index - start <= 5 {
            let digits = index
            while index < bytes.count, ByteScan.isDigit(bytes[index]) { index += 1 }
            if index > digits { return ByteScan.byte(bytes, index) == ByteScan.space }
        }
        return ByteScan.has(bytes, "SyntaxError: ", at: start) || ByteScan.has(bytes, "invalid-syntax: ", at: start)
    }
}
