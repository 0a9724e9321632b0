import PlanBuildModel

/// ESLint's stylish (default), unix and compact formats:
///
///     /abs/src/a.js                                       stylish: a file header (absolute, or
///                                                         relative alone on its line), then its rows
///       1:7   error    'x' is assigned a value but never used  no-unused-vars
///       1:17  warning  Missing semicolon                       semi
///     ✖ 2 problems (1 error, 1 warning)                   summary, not an issue
///
///     /abs/src/a.js:1:7: 'x' is assigned a value but never used. [Error/no-unused-vars]
///     /abs/src/a.js: line 1, col 7, Error - 'x' is assigned a value but never used. (no-unused-vars)
///
/// Errors are `lint_error`, warnings `lint_warning`; the rule is kept at the end of the message,
/// `… (rule)`. A crash (`Oops! Something went wrong!`) is one `build_error`; `ESLint found too
/// many warnings (maximum: 0).` (`--max-warnings`) one `lint_error`.
struct ESLintLines {
    private(set) var failed = false
    /// Diagnostics read (repeats included).
    private(set) var diagnostics = 0
    /// The stylish header the following rows belong to.
    private var header = NpmBuffer(capacity: NpmText.maximumPath)
    private var headerActive = false
    /// The header's fingerprint, made once for all its rows (a row's fingerprint adds it).
    private var headerFingerprint: UInt64 = 0
    /// After `Oops! Something went wrong!`: the explanation is the next line of text.
    private var crashed = false
    private var seen = NpmSeen()

    /// Where the parts of one finding are on its line.
    struct Row {
        /// nil in the stylish format, whose file is the header.
        var file: Range<Int>?
        var line: Int
        var message: Range<Int>
        var rule: Range<Int>?
        var severity: Issue.Severity
    }

    @inline(__always) mutating func blank() { headerActive = false }

    /// Rows may follow a stylish header.
    var busy: Bool { headerActive }

    /// An indented line while a header is active: a stylish row, or the end of the rows.
    mutating func row(_ line: NpmLine, _ issues: inout IssueCollector) {
        // Rows are indented 2 or more: the line:column column is right-aligned.
        if line.indent >= 2, ByteScan.isDigit(line.lead), let row = Self.stylishRow(line) {
            report(row, line, &issues)
        } else {
            headerActive = false
        }
    }

    /// A line at the margin that NpmPathLine found to be a unix or compact row; false when it is not.
    mutating func pathRow(_ line: NpmLine, compactMarker: Int?, _ issues: inout IssueCollector) -> Bool {
        headerActive = false
        let found = compactMarker.map { Self.compactRow(line.bytes, marker: $0) } ?? Self.unixRow(line.bytes)
        guard let row = found else { return false }
        report(row, line, &issues)
        return true
    }

    /// A line at the margin starting with `/` (or `C:\`), or a relative path alone on its line
    /// (`isRelativeHeader`), that is no row: the stylish header of the rows that may follow.
    mutating func header(_ line: NpmLine) {
        header.set(line.bytes)
        headerActive = true
        var fingerprint = Fingerprint(kind: 2)
        fingerprint.add(header)
        headerFingerprint = fingerprint.value
    }

    /// `src/app.js` alone on a line: the header of stylish rows that print paths relative to the
    /// project (ESLint before 2.0 printed the path as given; wrappers print it so). Only a path
    /// with a source file's extension and without spaces or colons qualifies, and it is a header
    /// only for the rows that follow it: any other line ends it.
    @inline(__always) static func isRelativeHeader(_ bytes: NpmLine.Bytes) -> Bool {
        // The last byte of `js`, `ts`, `jsx`, `tsx`, `mjs`, `cjs`, `mts`, `cts`, `vue`, `svelte`,
        // and a dot before the extension: most lines end otherwise and cost these compares alone.
        let count = bytes.count
        guard count >= 4 else { return false }
        switch bytes[count - 1] {
        case UInt8(ascii: "s"), UInt8(ascii: "x"), UInt8(ascii: "e"): break
        default: return false
        }
        let dot = UInt8(ascii: ".")
        guard bytes[count - 3] == dot || bytes[count - 4] == dot || (count > 7 && bytes[count - 7] == dot) else { return false }
        return isRelativePath(bytes)
    }

    private static func isRelativePath(_ bytes: NpmLine.Bytes) -> Bool {
        let count = bytes.count
        guard count <= NpmText.maximumPath, ByteScan.find(bytes, byte: ByteScan.space) == nil,
              let dot = ByteScan.findLast(bytes, byte: UInt8(ascii: "."), from: count - 7), dot > 0,
              isSourceExtension(bytes, dot + 1, count), ByteScan.find(bytes, byte: UInt8(ascii: ":")) == nil,
              ByteScan.find(bytes, byte: ByteScan.tab) == nil else { return false }
        let first = bytes[0]
        return ByteScan.isLetter(first) || ByteScan.isDigit(first) || first == UInt8(ascii: ".")
            || first == UInt8(ascii: "_") || first == UInt8(ascii: "@")
    }

    private static func isSourceExtension(_ bytes: NpmLine.Bytes, _ start: Int, _ end: Int) -> Bool {
        for ext: StaticString in ["js", "ts", "jsx", "tsx", "mjs", "cjs", "mts", "cts", "vue", "svelte"]
        where ByteScan.equals(bytes, start, end, ext) {
            return true
        }
        return false
    }

    /// Any other line at the margin: the `✖ N problems` summary, a crash and its explanation.
    mutating func margin(_ line: NpmLine, _ issues: inout IssueCollector) {
        headerActive = false
        let bytes = line.bytes
        if crashed {
            _ = crash(line, &issues)
        } else if line.lead == 0xE2 {
            if ByteScan.has(bytes, "✖ ", at: 0) { countSummary(bytes) }
        } else if line.lead == UInt8(ascii: "O"), ByteScan.has(bytes, "Oops! Something went wrong!", at: 0) {
            crashed = true
            failed = true
        } else if line.lead == UInt8(ascii: "E"), ByteScan.has(bytes, "ESLint found too many warnings", at: 0) {
            // `--max-warnings` turned warnings into a failure: that is its reason.
            failed = true
            diagnostics &+= 1
            var fingerprint = Fingerprint(kind: 3)
            fingerprint.add(bytes)
            guard seen.isNew(fingerprint.value) else { return }
            issues.add(Issue(file: nil, line: nil, message: NpmText.text(bytes), severity: .error,
                             category: IssueCategory.lintError))
        }
    }

    /// Whether `margin` has anything to do with a line of this first byte.
    @inline(__always) func wantsMargin(_ lead: UInt8) -> Bool {
        crashed || lead == 0xE2 || lead == UInt8(ascii: "O") || lead == UInt8(ascii: "E")
    }

    private mutating func report(_ row: Row, _ line: NpmLine, _ issues: inout IssueCollector) {
        diagnostics &+= 1
        if row.severity == .error { failed = true }
        var fingerprint = Fingerprint(kind: 2)
        if row.file == nil { fingerprint.add(Int(truncatingIfNeeded: headerFingerprint)) }
        fingerprint.add(line.body)
        guard seen.isNew(fingerprint.value) else { return }
        let bytes = line.bytes
        let file = row.file.map { NpmText.text(bytes, $0.lowerBound, $0.upperBound) } ?? header.string
        var message = NpmText.text(bytes, row.message.lowerBound, row.message.upperBound)
        if let rule = row.rule { message += " (" + NpmText.text(bytes, rule.lowerBound, rule.upperBound) + ")" }
        issues.add(Issue(file: NpmText.normalizedPath(file), line: row.line > 0 ? row.line : nil, message: message,
                         severity: row.severity,
                         category: row.severity == .error ? IssueCategory.lintError : IssueCategory.lintWarning))
    }

    /// `  12:5  error  message  rule-name`, `   4:7  warning  …` (under a header).
    static func stylishRow(_ line: NpmLine) -> Row? {
        let bytes = line.bytes
        guard let row = ByteScan.number(bytes, at: line.indent), ByteScan.has(bytes, ":", at: row.end),
              let column = ByteScan.number(bytes, at: row.end + 1) else { return nil }
        let severityStart = ByteScan.skipSpaces(bytes, from: column.end)
        guard severityStart > column.end else { return nil }
        let severity: Issue.Severity
        let textStart: Int
        if ByteScan.has(bytes, "error ", at: severityStart) {
            severity = .error; textStart = severityStart + 6
        } else if ByteScan.has(bytes, "warning ", at: severityStart) {
            severity = .warning; textStart = severityStart + 8
        } else {
            return nil
        }
        let messageStart = ByteScan.skipSpaces(bytes, from: textStart)
        var messageEnd = bytes.count
        while messageEnd > messageStart, bytes[messageEnd - 1] == 0x20 { messageEnd -= 1 }
        var rule: Range<Int>?
        // The rule is the last column: after the last run of two or more spaces.
        if let gap = ByteScan.findLast(bytes, "  ", before: messageEnd), gap > messageStart {
            let ruleStart = ByteScan.skipSpaces(bytes, from: gap)
            if ruleStart < messageEnd, isRuleName(bytes, ruleStart, messageEnd) {
                rule = ruleStart..<messageEnd
                messageEnd = gap
            }
        }
        let message = ByteScan.trimmed(bytes, messageStart, messageEnd)
        guard !message.isEmpty else { return nil }
        return Row(file: nil, line: row.value, message: message, rule: rule, severity: severity)
    }

    /// `path:line:col: message [Error/rule]` (or `[Warning]` without a rule).
    static func unixRow(_ bytes: NpmLine.Bytes) -> Row? {
        guard bytes.count > 8, bytes[bytes.count - 1] == UInt8(ascii: "]"),
              let open = ByteScan.findLast(bytes, byte: UInt8(ascii: "[")) else { return nil }
        let severity: Issue.Severity
        let afterWord: Int
        if ByteScan.has(bytes, "[Error", at: open) {
            severity = .error; afterWord = open + 6
        } else if ByteScan.has(bytes, "[Warning", at: open) {
            severity = .warning; afterWord = open + 8
        } else {
            return nil
        }
        guard afterWord < bytes.count else { return nil }
        var rule: Range<Int>?
        if bytes[afterWord] == UInt8(ascii: "/") {
            guard isRuleName(bytes, afterWord + 1, bytes.count - 1) else { return nil }
            rule = (afterWord + 1)..<(bytes.count - 1)
        } else if afterWord != bytes.count - 1 {
            return nil
        }
        guard let location = position(bytes, before: open) else { return nil }
        let message = ByteScan.trimmed(bytes, location.messageStart, open)
        guard !message.isEmpty else { return nil }
        return Row(file: location.file, line: location.line, message: message, rule: rule, severity: severity)
    }

    /// The first `:line:col: ` of a unix row: the file before it, the line, where the message starts.
    private static func position(_ bytes: NpmLine.Bytes, before limit: Int) -> (file: Range<Int>, line: Int, messageStart: Int)? {
        var from = 1
        while let colon = ByteScan.find(bytes, byte: UInt8(ascii: ":"), from: from, to: limit) {
            if let row = ByteScan.number(bytes, at: colon + 1), ByteScan.has(bytes, ":", at: row.end),
               let column = ByteScan.number(bytes, at: row.end + 1), ByteScan.has(bytes, ": ", at: column.end) {
                let file = ByteScan.trimmed(bytes, 0, colon)
                guard !file.isEmpty else { return nil }
                return (file, row.value, column.end + 2)
            }
            from = colon + 1
        }
        return nil
    }

    /// `path: line 3, col 5, Error - message (rule)`.
    static func compactRow(_ bytes: NpmLine.Bytes, marker: Int) -> Row? {
        guard marker > 0, ByteScan.has(bytes, ": line ", at: marker),
              let row = ByteScan.number(bytes, at: marker + 7), ByteScan.has(bytes, ", col ", at: row.end),
              let column = ByteScan.number(bytes, at: row.end + 6), ByteScan.has(bytes, ", ", at: column.end) else { return nil }
        let severity: Issue.Severity
        let messageStart: Int
        if ByteScan.has(bytes, "Error - ", at: column.end + 2) {
            severity = .error; messageStart = column.end + 10
        } else if ByteScan.has(bytes, "Warning - ", at: column.end + 2) {
            severity = .warning; messageStart = column.end + 12
        } else {
            return nil
        }
        var messageEnd = bytes.count
        var rule: Range<Int>?
        if bytes.count > messageStart + 2, bytes[bytes.count - 1] == UInt8(ascii: ")"),
           let open = ByteScan.findLast(bytes, byte: UInt8(ascii: "("), from: messageStart),
           open > messageStart, bytes[open - 1] == 0x20, isRuleName(bytes, open + 1, bytes.count - 1) {
            rule = (open + 1)..<(bytes.count - 1)
            messageEnd = open
        }
        let message = ByteScan.trimmed(bytes, messageStart, messageEnd)
        let file = ByteScan.trimmed(bytes, 0, marker)
        guard !message.isEmpty, !file.isEmpty else { return nil }
        return Row(file: file, line: row.value, message: message, rule: rule, severity: severity)
    }

    /// `✖ 3 problems (2 errors, 1 warning)`.
    private mutating func countSummary(_ bytes: NpmLine.Bytes) {
        guard let open = ByteScan.find(bytes, "("), let errors = ByteScan.number(bytes, at: open + 1),
              ByteScan.has(bytes, " error", at: errors.end) else { return }
        if errors.value > 0 { failed = true }
    }

    /// The first line of text after `Oops! Something went wrong!` (skipping `ESLint: 6.4.0.`).
    private mutating func crash(_ line: NpmLine, _ issues: inout IssueCollector) -> Bool {
        let bytes = line.bytes
        if ByteScan.has(bytes, "ESLint: ", at: 0) { return true }
        crashed = false
        diagnostics &+= 1
        var fingerprint = Fingerprint(kind: 3)
        fingerprint.add(bytes)
        guard seen.isNew(fingerprint.value) else { return true }
        issues.add(Issue(file: nil, line: nil, message: "ESLint: " + NpmText.text(bytes), severity: .error,
                         category: IssueCategory.buildError))
        return true
    }

    /// Rule ids: `semi`, `no-unused-vars`, `@typescript-eslint/no-explicit-any`, `react/jsx-key`.
    private static func isRuleName(_ bytes: NpmLine.Bytes, _ start: Int, _ end: Int) -> Bool {
        guard start >= 0, start < end, end <= bytes.count, end - start <= 128 else { return false }
        var letter = false
        for index in start..<end {
            switch bytes[index] {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): letter = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "/"),
                 UInt8(ascii: "@"), UInt8(ascii: "."): continue
            default: return false
            }
        }
        return letter
    }
}
