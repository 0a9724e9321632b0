import PlanBuildModel

/// ruff's findings: `file:line:col: CODE [*] message`, the first line of both its full format
/// (followed by an indented source frame and `= help:` line, which are skipped as indented) and
/// its concise format. A finding fails `ruff check`, so each is an error. `Found N error(s).`
/// marks the failed check.
struct RuffLines {
    private(set) var failed = false
    /// Findings read before (the same line is the same, already added, issue).
    private var seenLines = NpmSeen()

    /// Reads a ruff finding at `location`; false when the line is not one.
    mutating func diagnostic(_ line: NpmLine, _ location: PythonLocation, _ collector: inout IssueCollector) -> Bool {
        guard location.column != nil else { return false }
        let bytes = line.bytes
        let start = location.rest
        // A rule code: capital letters then digits (F401, E711, PLR2004), or ruff's SyntaxError.
        var index = start
        while index < bytes.count, bytes[index] >= 0x41, bytes[index] <= 0x5A { index += 1 }
        let letters = index - start
        let digitsStart = index
        while index < bytes.count, ByteScan.isDigit(bytes[index]) { index += 1 }
        let isRule = letters > 0 && letters <= 4 && index > digitsStart && ByteScan.has(bytes, " ", at: index)
        let isSyntax = ByteScan.has(bytes, "SyntaxError: ", at: start)
        guard isRule || isSyntax else { return false }
        failed = true
        var fingerprint = Fingerprint(kind: 44)
        fingerprint.add(bytes)
        guard seenLines.isNew(fingerprint.value) else { return true }
        collector.add(Issue(file: location.path(bytes), line: location.line,
                            message: NpmText.text(bytes, start, bytes.count), severity: .error,
                            category: IssueCategory.lintError))
        failed = true
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
}
