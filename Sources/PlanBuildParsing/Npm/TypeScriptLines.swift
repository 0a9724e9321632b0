import PlanBuildModel

/// The TypeScript compiler (`tsc`), plain and pretty:
///
///     src/a.ts(2,30): error TS2322: Type 'string' is not assignable to type 'number'.
///     src/a.ts:2:30 - error TS2322: Type 'string' is not assignable to type 'number'.
///     error TS5023: Unknown compiler option '--badopt'.
///
/// Lines indented right under a diagnostic continue its message (message chains). In the pretty
/// form, what follows the blank line after it (the code frame, related locations such as
/// `  a.ts:1:32` with their own frame and message) only illustrates it, and the
/// `Found N errors` line and `Errors  Files` table only count: none of these is an issue.
/// Every diagnostic is a `compilation_error`, its message `TSxxxx: …`.
struct TypeScriptLines {
    /// `Found N errors` with N > 0, or any diagnostic.
    private(set) var failed = false
    /// Diagnostics read (repeats included).
    private(set) var diagnostics = 0
    /// The issue whose message chain may continue on the next indented lines.
    private var open: Int?
    /// Under a diagnostic already reported: its chain is skipped.
    private var skipping = false
    private var continuationLines = 0
    private var continuationBytes = 0
    private var seen = NpmSeen()
    private static let maximumContinuation = 12

    /// Where the parts of a diagnostic line are.
    struct Location {
        var file: Range<Int>?
        var line: Int?
        /// `TS2322: …`
        var message: Range<Int>
    }

    /// Under a diagnostic: indented lines may continue it.
    var busy: Bool { open != nil || skipping }

    /// An indented line under a diagnostic: true when it continues the message chain (a line
    /// that does not ends the chain).
    mutating func continuation(_ line: NpmLine, _ issues: inout IssueCollector) -> Bool {
        guard line.indent >= 2, continuationLines < Self.maximumContinuation else {
            blank()
            return false
        }
        continuationLines += 1
        if let index = open, continuationBytes < NpmText.maximumMessage {
            let text = ByteScan.text(line.body, 0, line.body.count, limit: NpmText.maximumMessage - continuationBytes)
            continuationBytes += text.utf8.count + 1
            issues.appendToMessage(at: index, text)
        }
        return true
    }

    /// A line at the margin whose `error TS` would be at `marker` (see NpmPathLine); true when it
    /// is a diagnostic.
    mutating func diagnostic(_ line: NpmLine, marker: Int, _ issues: inout IssueCollector) -> Bool {
        guard let location = Self.locate(line.bytes, marker: marker, indent: 0) else { return false }
        failed = true
        diagnostics &+= 1
        continuationLines = 0
        continuationBytes = 0
        open = nil
        var fingerprint = Fingerprint(kind: 1)
        fingerprint.add(line.body)
        guard seen.isNew(fingerprint.value) else {
            skipping = true
            return true
        }
        skipping = false
        let bytes = line.bytes
        let file = location.file.map { NpmText.normalizedPath(NpmText.text(bytes, $0.lowerBound, $0.upperBound)) }
        let message = NpmText.text(bytes, location.message.lowerBound, location.message.upperBound)
        open = issues.add(Issue(file: file, line: location.line, message: message, severity: .error,
                                category: IssueCategory.compilationError))
        return true
    }

    /// `Found 3 errors in 2 files.`, `Found 1 error in a.ts:2`, `… Found 2 errors. Watching for file changes.`
    mutating func summary(_ line: NpmLine) {
        let bytes = line.bytes
        var start = line.indent
        if line.lead == UInt8(ascii: "["), let close = ByteScan.find(bytes, "] Found ") { start = close + 2 }
        guard ByteScan.has(bytes, "Found ", at: start), let number = ByteScan.number(bytes, at: start + 6),
              ByteScan.has(bytes, " error", at: number.end) else { return }
        if number.value > 0 { failed = true }
    }

    @inline(__always) mutating func blank() {
        open = nil
        skipping = false
    }

    /// The parts of a diagnostic whose `error TS` is at `marker`, or nil when the line is not one.
    static func locate(_ bytes: NpmLine.Bytes, marker: Int, indent: Int) -> Location? {
        // The code: `TS` digits `: ` message.
        guard let code = ByteScan.number(bytes, at: marker + 8), ByteScan.has(bytes, ": ", at: code.end) else { return nil }
        let message = (marker + 6)..<bytes.count
        if marker == indent {
            // A diagnostic of no file (options, tsconfig discovery).
            return Location(file: nil, line: nil, message: message)
        }
        guard marker >= 3 else { return nil }
        if ByteScan.has(bytes, "): ", at: marker - 3) {
            // `file(line,col): error` — the last `(` before the marker opens the position.
            let close = marker - 3
            guard let open = ByteScan.findLast(bytes, byte: UInt8(ascii: "("), from: indent, to: close),
                  open > indent,
                  let comma = ByteScan.find(bytes, byte: UInt8(ascii: ","), from: open, to: close),
                  let row = ByteScan.wholeNumber(bytes, open + 1, comma),
                  ByteScan.wholeNumber(bytes, comma + 1, close) != nil else { return nil }
            return Location(file: indent..<open, line: row, message: message)
        }
        if ByteScan.has(bytes, " - ", at: marker - 3) {
            // `file:line:col - error`.
            let end = marker - 3
            guard let colon2 = ByteScan.findLast(bytes, byte: UInt8(ascii: ":"), from: indent, to: end),
                  ByteScan.wholeNumber(bytes, colon2 + 1, end) != nil,
                  let colon1 = ByteScan.findLast(bytes, byte: UInt8(ascii: ":"), from: indent, to: colon2),
                  colon1 > indent,
                  let row = ByteScan.wholeNumber(bytes, colon1 + 1, colon2) else { return nil }
            return Location(file: indent..<colon1, line: row, message: message)
        }
        return nil
    }
}
