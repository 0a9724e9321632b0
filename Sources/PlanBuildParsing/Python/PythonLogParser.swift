import PlanBuildModel

/// Reads logs of Python projects, wherever each tool's output appears in one log (a pyprojectx
/// `verify` running mypy, ruff and pytest one after the other yields the issues of all three):
///
/// - mypy (MypyLines): `file:line[:col]: error: … [code]` → `type_error`, or `import_error` for the
///   import codes (also `file: error: …`, an error of a whole file); `note:` lines folded into their
///   error; `--pretty` messages that wrap
/// - ruff (RuffLines): `file:line:col: CODE message` (the full format before 0.12 and the concise
///   one), `CODE message` over ` --> file:line:col` (the full format since 0.12), rule codes or
///   syntax errors → `lint_error`
/// - pytest (PytestLines): failures and errors with the test's file and line, collection errors
///   (`import_error` when an import failed), the closing counts line → `test_failure`, test counts
///
/// Only lines at the margin can start a diagnostic; an indented line goes only to a recognizer in
/// the middle of something. Each recognizer keeps bounded state. The build failed when any tool
/// says so (an error, a failed test, a `Found N errors` summary).
public struct PythonLogParser: LogParser {
    private var collector = IssueCollector()
    private var mypy = MypyLines()
    private var ruff = RuffLines()
    private var pytest = PytestLines()

    public init() {}

    public mutating func consume(_ raw: UnsafeBufferPointer<UInt8>) {
        let line = NpmLine(raw)
        if line.isBlank {
            ruff.awaitingLocation = false
            mypy.blank()
            return
        }
        if line.indent > 0 {
            // ruff's ` --> path:line:col` under the finding's line.
            if ruff.awaitingLocation, ruff.location(line, &collector) { return }
            mypy.blank()
            if pytest.busy { pytest.consume(line, location: nil, &collector) }
            return
        }
        ruff.awaitingLocation = false
        let location = PythonLocation.read(line.bytes)
        if let location, mypy.diagnostic(line, location, &collector) { return }
        // A wrapped mypy message never continues into a line of its own kind: a location, a pytest
        // summary line or rule.
        if mypy.busy, location == nil, !Self.startsPytestLine(line), mypy.continuation(line, &collector) { return }
        if let location {
            if ruff.diagnostic(line, location, &collector) { return }
        } else if !pytest.busy, RuffLines.mayBeFinding(line.bytes), ruff.finding(line) {
            // (Inside pytest's report no line is ruff's.)
            return
        }
        pytest.consume(line, location: location, &collector)
        let lead = line.lead
        if lead == UInt8(ascii: "F") || lead == UInt8(ascii: "S") || lead == UInt8(ascii: "A") {
            mypy.summary(line)
            ruff.summary(line)
        }
    }

    /// `FAILED …`, `ERROR …`, and pytest's `=` and `_` rules.
    private static func startsPytestLine(_ line: NpmLine) -> Bool {
        let bytes = line.bytes
        return line.lead == UInt8(ascii: "=") || line.lead == UInt8(ascii: "_")
            || ByteScan.has(bytes, "FAILED ", at: 0) || ByteScan.has(bytes, "ERROR ", at: 0)
    }

    public mutating func finish() -> ParseOutcome {
        pytest.finish(&collector)
        let failed = mypy.failed || ruff.failed || pytest.failed || collector.contains { $0.severity == .error }
        return ParseOutcome(issues: collector.issuesOncePerFinalKey, tests: pytest.tests, buildStatus: failed ? .failure : .success)
    }
}

/// `file.py:line:` at the start of a line, with the column when one follows: the location every
/// Python tool prints (mypy, ruff, pytest's traceback entries); or `file.py: ` without a line (mypy's
/// errors of a whole file: `pkg/x.py: error: Duplicate module named …`).
struct PythonLocation {
    let pathEnd: Int
    /// The line, 0 for a location of a whole file (lines count from 1). Not an optional: this is
    /// read for every line at the margin, and the plain integer keeps the location small.
    let line: Int
    let column: Int?
    /// Where the text after `line[:column]:` starts (after one space, if any).
    let rest: Int

    @inline(__always) static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> PythonLocation? {
        guard bytes.count > 5 else { return nil }
        // The first colon, after a Windows drive letter (`C:\…`).
        let from = bytes[1] == UInt8(ascii: ":") && bytes[2] == UInt8(ascii: "\\") ? 3 : 1
        guard let colon = ByteScan.find(bytes, byte: UInt8(ascii: ":"), from: from),
              colon >= 3,
              ByteScan.has(bytes, ".py", at: colon - 3) || ByteScan.has(bytes, ".pyi", at: colon - 4) else { return nil }
        guard let row = ByteScan.number(bytes, at: colon + 1), ByteScan.has(bytes, ":", at: row.end) else {
            return ByteScan.byte(bytes, colon + 1) == ByteScan.space
                ? PythonLocation(pathEnd: colon, line: 0, column: nil, rest: colon + 2) : nil
        }
        var end = row.end + 1
        var column: Int?
        if let col = ByteScan.number(bytes, at: end), ByteScan.has(bytes, ":", at: col.end) {
            column = col.value
            end = col.end + 1
        }
        if end < bytes.count, bytes[end] == 0x20 { end += 1 }
        return PythonLocation(pathEnd: colon, line: row.value, column: column, rest: end)
    }

    /// The line, nil for a whole file.
    var lineNumber: Int? { line > 0 ? line : nil }

    func path(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        NpmText.normalizedPath(ByteScan.text(bytes, 0, pathEnd, limit: NpmText.maximumPath))
    }
}
