import PlanBuildModel

/// mypy's diagnostics: `file:line[:col]: error|warning|note: message  [code]`.
///
/// A `note:` belongs to the error before it (mypy prints hints under their error) and is folded
/// into that error's message. With `--pretty` a long message wraps onto following lines at the
/// margin, ending with its `[code]`; those lines are joined to it. An error of a whole file has no
/// line (`pkg/x.py: error: Duplicate module named …`). `Found N errors in M files` marks a failed
/// check, also when it stopped early (`… (errors prevented further checking)`).
struct MypyLines {
    /// The issue index a following `note:` or wrapped line belongs to.
    private var open: Int?
    private var openFile: String?
    /// Wrapped lines are expected until the message's `[code]` shows.
    private var wrapping = false
    private var wrappedLines = 0
    private(set) var failed = false
    /// Diagnostic lines read before: the same line makes the same issue, already added (or left
    /// out once the collector was full), so a repeat skips making its Strings.
    private var seenLines = NpmSeen()

    var busy: Bool { wrapping }

    mutating func blank() {
        wrapping = false
    }

    /// Reads a mypy diagnostic at `location`; false when the line is not one.
    mutating func diagnostic(_ line: NpmLine, _ location: PythonLocation, _ collector: inout IssueCollector) -> Bool {
        let bytes = line.bytes
        let at = location.rest
        let severity: Issue.Severity
        let textStart: Int
        if ByteScan.has(bytes, "error: ", at: at) {
            severity = .error
            textStart = at + 7
        } else if ByteScan.has(bytes, "warning: ", at: at) {
            severity = .warning
            textStart = at + 9
        } else if ByteScan.has(bytes, "note: ", at: at) {
            note(bytes, location, from: at + 6, &collector)
            return true
        } else {
            return false
        }
        if severity == .error { failed = true }
        var fingerprint = Fingerprint(kind: 43)
        fingerprint.add(bytes)
        guard seenLines.isNew(fingerprint.value) else {
            // What the collector's refusal of the repeated issue would leave.
            open = nil
            openFile = nil
            wrapping = false
            wrappedLines = 0
            return true
        }
        let message = NpmText.text(bytes, textStart, bytes.count)
        let file = location.path(bytes)
        let code = Self.code(bytes)
        let category = code.map(Self.category) ?? IssueCategory.typeError
        open = collector.add(Issue(file: file, line: location.lineNumber, message: message, severity: severity, category: category))
        openFile = file
        wrapping = open != nil && code == nil
        wrappedLines = 0
        return true
    }

    /// A line of a `--pretty` message that wrapped; true when taken.
    mutating func continuation(_ line: NpmLine, _ collector: inout IssueCollector) -> Bool {
        // The summary ends a message that had no `[code]` to end it.
        guard wrapping, let index = open, wrappedLines < 8, !ByteScan.has(line.bytes, "Found ", at: 0) else {
            wrapping = false
            return false
        }
        wrappedLines += 1
        collector.joinToMessage(at: index, NpmText.text(line.bytes))
        if let code = Self.code(line.bytes) {
            wrapping = false
            collector.setCategory(at: index, Self.category(code))
        }
        return true
    }

    /// `Found 2 errors in 2 files (checked 3 source files)`, `Found 1 error in 1 file (errors
    /// prevented further checking)`.
    mutating func summary(_ line: NpmLine) {
        let bytes = line.bytes
        if ByteScan.has(bytes, "Found ", at: 0), let count = ByteScan.number(bytes, at: 6), count.value > 0,
           ByteScan.has(bytes, " error", at: count.end), ByteScan.find(bytes, " in ", from: count.end) != nil {
            failed = true
        }
    }

    private mutating func note(_ bytes: UnsafeBufferPointer<UInt8>, _ location: PythonLocation, from start: Int, _ collector: inout IssueCollector) {
        wrapping = false
        guard let index = open, let file = openFile, file == location.path(bytes) else { return }
        collector.appendToMessage(at: index, "note: " + NpmText.text(bytes, start, bytes.count))
    }

    /// The `[code]` that ends a mypy error, if the line ends with one.
    private static func code(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 { end -= 1 }
        guard end > 2, bytes[end - 1] == UInt8(ascii: "]"),
              let open = ByteScan.findLast(bytes, byte: UInt8(ascii: "["), from: max(0, end - 64), to: end),
              open + 1 < end - 1 else { return nil }
        for index in (open + 1)..<(end - 1) {
            let byte = bytes[index]
            let allowed = (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "-") || ByteScan.isDigit(byte)
            if !allowed { return nil }
        }
        return NpmText.text(bytes, open + 1, end - 1)
    }

    /// Missing modules and stubs are import problems; every other code is a type error.
    private static func category(_ code: String) -> String {
        code.hasPrefix("import") ? IssueCategory.importError : IssueCategory.typeError
    }
}
