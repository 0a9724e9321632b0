import PlanBuildModel

/// Reads logs of the npm family, wherever each tool's output appears in one log (an npm script
/// running `tsc && eslint . && jest` yields the issues of all three):
///
/// - `tsc`, plain and pretty (TypeScriptLines) → `compilation_error`
/// - ESLint stylish, unix and compact (ESLintLines) → `lint_error` / `lint_warning`
/// - Jest (JestLines) and node's test runner, TAP or spec (TAPLines) → `test_failure`, test counts
/// - npm's own errors, `npm error` and `npm ERR!` (NpmErrorLines) → `npm_dependency` / `npm_error`
/// - yarn classic's own errors, `error Command failed …` (YarnLines) → `npm_error`
///
/// A line goes only to the recognizers that are in the middle of something (`busy`) and to those
/// whose lines can look like it, judged on its indentation, its first byte and, at the margin,
/// the bytes around its first colon (NpmPathLine). Each recognizer keeps bounded state and skips
/// a diagnostic it already reported on a hash of its bytes, before any String is made. The build
/// failed when any tool says so (an error, failing tests, an `npm error` line).
public struct NpmLogParser: LogParser {
    private var collector = IssueCollector()
    private var npm = NpmErrorLines()
    private var typescript = TypeScriptLines()
    private var eslint = ESLintLines()
    private var jest = JestLines()
    private var tap = TAPLines()
    private var yarn = YarnLines()
    private var output = ScriptOutput()

    public init() {}

    public mutating func consume(_ raw: UnsafeBufferPointer<UInt8>) {
        let line = NpmLine(raw)
        if line.isBlank {
            if npm.busy {
                output.diagnostics = diagnostics
                npm.blank(&collector, &output)
            }
            typescript.blank()
            eslint.blank()
            if tap.busy { tap.consume(line, &collector) }
            if yarn.busy { yarn.blank(&collector) }
            return
        }
        let lead = line.lead
        let indent = line.indent

        // npm's own lines (and the end of an npm block).
        if npm.busy || (indent == 0 && lead == UInt8(ascii: "n")) {
            output.diagnostics = diagnostics
            if npm.consume(line, &collector, &output) {
                if jest.busy { jest.consume(line, &collector) }
                if tap.busy { tap.consume(line, &collector) }
                typescript.blank()
                eslint.blank()
                return
            }
        }

        // yarn's own lines.
        if yarn.busy || (indent == 0 && yarn.wants(lead)), yarn.consume(line, &collector) {
            typescript.blank()
            eslint.blank()
            return
        }

        // Test runners.
        if jest.busy || (indent <= 1 ? lead == UInt8(ascii: "F") || lead == UInt8(ascii: "P") || lead == UInt8(ascii: "T")
                                         || lead == UInt8(ascii: "N")
                                     : lead == 0xE2) {
            jest.consume(line, &collector)
        }
        if tap.busy || lead == UInt8(ascii: "n") || lead == UInt8(ascii: "o")
            || (indent == 0 && (lead == UInt8(ascii: "#") || lead == 0xE2)) {
            tap.consume(line, &collector)
        }

        // Compilers and linters.
        guard indent == 0 else {
            if typescript.busy, typescript.continuation(line, &collector) { return }
            if eslint.busy { eslint.row(line, &collector) }
            return
        }
        typescript.blank()
        switch NpmPathLine.classify(line.bytes) {
        case .typescript(let marker):
            if typescript.diagnostic(line, marker: marker, &collector) {
                eslint.blank()
                return
            }
        case .unix:
            if eslint.pathRow(line, compactMarker: nil, &collector) { return }
        case .compact(let marker):
            if eslint.pathRow(line, compactMarker: marker, &collector) { return }
        case .none:
            break
        }
        if lead == UInt8(ascii: "/") || (line.count > 2 && line.bytes[1] == UInt8(ascii: ":") && line.bytes[2] == UInt8(ascii: "\\"))
            || ESLintLines.isRelativeHeader(line.bytes) {
            eslint.header(line)
        } else if eslint.wantsMargin(lead) {
            eslint.margin(line, &collector)
        } else {
            eslint.blank()
            if lead == UInt8(ascii: "F") || lead == UInt8(ascii: "[") { typescript.summary(line) }
        }
        output.record(line)
    }

    public mutating func finish() -> ParseOutcome {
        jest.finish(&collector)
        tap.finish(&collector)
        output.diagnostics = diagnostics
        npm.finish(&collector, &output)
        yarn.finish(&collector)
        var tests = jest.tests
        if let more = tap.tests {
            if tests == nil { tests = more } else { tests? += more }
        }
        let failed = npm.failed || yarn.failed || typescript.failed || eslint.failed || jest.failed || tap.failed
            || collector.contains { $0.severity == .error }
        return ParseOutcome(issues: collector.issues, tests: tests, buildStatus: failed ? .failure : .success)
    }

    /// Diagnostics read by the tools' recognizers so far.
    private var diagnostics: Int {
        typescript.diagnostics &+ eslint.diagnostics &+ jest.diagnostics &+ tap.diagnostics
    }
}

/// What a line at the margin can be, judged on the bytes around its first colon: tsc and ESLint's
/// unix and compact formats all start with a path followed by `:` or `(line,col):`.
enum NpmPathLine {
    case none
    /// `error TS` would be at `marker`: `error TS…` at the start, `file(1,2): error TS…`, `file:1:2 - error TS…`.
    case typescript(marker: Int)
    /// `file:1:2: message [Error/rule]`
    case unix
    /// `file: line 1, col 2, Error - message` with `: line ` at `marker`.
    case compact(marker: Int)

    @inline(__always) static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> NpmPathLine {
        guard bytes.count > 8 else { return .none }
        if bytes[0] == UInt8(ascii: "e"), ByteScan.has(bytes, "error TS", at: 0) { return .typescript(marker: 0) }
        // The first colon, after a Windows drive letter (`C:\…`).
        let from = bytes[1] == UInt8(ascii: ":") && bytes[2] == UInt8(ascii: "\\") ? 3 : 1
        guard let colon = ByteScan.find(bytes, byte: UInt8(ascii: ":"), from: from) else { return .none }
        if bytes[colon - 1] == UInt8(ascii: ")") {
            return ByteScan.has(bytes, " error TS", at: colon + 1) ? .typescript(marker: colon + 2) : .none
        }
        if let row = ByteScan.number(bytes, at: colon + 1) {
            guard ByteScan.has(bytes, ":", at: row.end), let column = ByteScan.number(bytes, at: row.end + 1) else { return .none }
            if ByteScan.has(bytes, " - error TS", at: column.end) { return .typescript(marker: column.end + 3) }
            if ByteScan.has(bytes, ": ", at: column.end), bytes[bytes.count - 1] == UInt8(ascii: "]") { return .unix }
            return .none
        }
        return ByteScan.has(bytes, ": line ", at: colon) ? .compact(marker: colon) : .none
    }
}
