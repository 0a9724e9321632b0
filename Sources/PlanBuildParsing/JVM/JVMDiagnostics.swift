import PlanBuildModel

/// The shapes in which javac, javadoc and kotlinc print a diagnostic, as Maven and Gradle pass
/// them through, found on bytes (no String is made for a line that is not a diagnostic).
struct JVMDiagnosticMatch {
    enum Shape {
        /// maven-compiler-plugin: `/path/F.java:[12,9] message` (no source line follows).
        case bracketed
        /// javac/javadoc/kotlinc: `/path/F.java:12: error: message` or `F.kt:12:5: warning: message`,
        /// followed by the source line, a caret line and indented details (`  symbol: …`).
        case javac
        /// The Kotlin Gradle plugin: `e: /path/F.kt: (12, 5): message`, `w: file:///path/F.kt:12:5 message`.
        case kotlin
    }

    var shape: Shape
    var fileStart: Int
    var fileEnd: Int
    var line: Int?
    var column: Int?
    var messageStart: Int
    var messageEnd: Int
    /// What the diagnostic itself says (`error:`/`warning:`, `e:`/`w:`); nil for the bracketed shape,
    /// whose severity is Maven's line prefix.
    var severity: Issue.Severity?
}

enum JVMDiagnostics {
    /// Reads any of the shapes starting at `from`; nil when the line is none of them.
    static func match(_ line: JVMLine, from: Int) -> JVMDiagnosticMatch? {
        let start = ByteScan.skipSpaces(line, from: from)
        guard start < line.count else { return nil }
        let first = line[start]
        if (first == UInt8(ascii: "e") || first == UInt8(ascii: "w")), ByteScan.has(line, ": ", at: start + 1) {
            return kotlin(line, from: start)
        }
        guard mayBeDiagnostic(line, from: start) else { return nil }
        if let found = javac(line, from: start) { return found }
        return bracketed(line, from: start)
    }

    /// A cheap look at the colons of the line (memchr from one to the next): a diagnostic has one
    /// followed by `[`, ` (`, ` error: ` or ` warning`, or starts with `file://`. Most lines have
    /// none, and are rejected without any substring search.
    static func mayBeDiagnostic(_ line: JVMLine, from: Int) -> Bool {
        if ByteScan.has(line, "file://", at: from) { return true }
        var cursor = from
        while let colon = ByteScan.find(line, byte: UInt8(ascii: ":"), from: cursor) {
            switch ByteScan.byte(line, colon + 1) {
            case UInt8(ascii: "["):
                return true
            case ByteScan.space:
                switch ByteScan.byte(line, colon + 2) {
                case UInt8(ascii: "("): return true
                case UInt8(ascii: "e"): if ByteScan.has(line, "error: ", at: colon + 2) { return true }
                case UInt8(ascii: "w"): if ByteScan.has(line, "warning", at: colon + 2) { return true }
                default: break
                }
            default:
                break
            }
            cursor = colon + 1
        }
        return false
    }

    /// `path:[l,c] message`, `path:[l] message` (maven-compiler-plugin), and the kotlin-maven-plugin's
    /// `path: (l, c) message` and `file:///path:l:c message`.
    static func bracketed(_ line: JVMLine, from: Int) -> JVMDiagnosticMatch? {
        if let open = ByteScan.find(line, ":[", from: from), open > from,
           let (number, afterLine) = ByteScan.number(line, at: open + 2) {
            var column: Int?
            var cursor = afterLine
            if ByteScan.byte(line, cursor) == UInt8(ascii: ",") {
                if let (value, end) = ByteScan.number(line, at: ByteScan.skipSpaces(line, from: cursor + 1)) {
                    column = value
                    cursor = end
                }
            }
            guard ByteScan.byte(line, cursor) == UInt8(ascii: "]"), plausibleFile(line, from, open) else { return nil }
            let messageStart = ByteScan.skipSpaces(line, from: cursor + 1)
            return JVMDiagnosticMatch(shape: .bracketed, fileStart: from, fileEnd: open, line: number, column: column,
                                      messageStart: messageStart, messageEnd: ByteScan.trimEnd(line, from: messageStart, to: line.count),
                                      severity: nil)
        }
        if let located = kotlinLocation(line, from: from) {
            var found = located
            found.shape = .bracketed
            return found
        }
        return nil
    }

    /// `path:line: error: message`, `path:line:col: warning: message`, javadoc's old
    /// `path:line: warning - message`.
    static func javac(_ line: JVMLine, from: Int) -> JVMDiagnosticMatch? {
        let error = ByteScan.find(line, ": error: ", from: from)
        let marker: Int
        let severity: Issue.Severity
        let markerLength: Int
        if let w = ByteScan.find(line, ": warning: ", from: from, to: error ?? line.count) {
            marker = w; severity = .warning; markerLength = 11
        } else if let w = ByteScan.find(line, ": warning - ", from: from, to: error ?? line.count) {
            marker = w; severity = .warning; markerLength = 12
        } else if let e = error {
            marker = e; severity = .error; markerLength = 9
        } else {
            return nil
        }
        // The location ends with `:line` or `:line:column`.
        var cursor = marker
        var numbers: [Int] = []
        while numbers.count < 2 {
            var digitsStart = cursor
            while digitsStart > from, ByteScan.isDigit(line[digitsStart - 1]) { digitsStart -= 1 }
            guard digitsStart < cursor, digitsStart > from, line[digitsStart - 1] == UInt8(ascii: ":"),
                  let (value, _) = ByteScan.number(line, at: digitsStart) else { break }
            numbers.insert(value, at: 0)
            cursor = digitsStart - 1
        }
        guard !numbers.isEmpty, plausibleFile(line, from, cursor) else { return nil }
        let messageStart = ByteScan.skipSpaces(line, from: marker + markerLength)
        return JVMDiagnosticMatch(shape: .javac, fileStart: from, fileEnd: cursor, line: numbers.first,
                                  column: numbers.count > 1 ? numbers[1] : nil, messageStart: messageStart,
                                  messageEnd: ByteScan.trimEnd(line, from: messageStart, to: line.count), severity: severity)
    }

    /// `e: …` / `w: …` lines of the Kotlin compiler under Gradle (or Maven). A message without a
    /// location (`w: Runtime JAR files …`) has no file.
    static func kotlin(_ line: JVMLine, from: Int) -> JVMDiagnosticMatch? {
        let severity: Issue.Severity = line[from] == UInt8(ascii: "e") ? .error : .warning
        let rest = ByteScan.skipSpaces(line, from: from + 2)
        // After `e: `/`w: ` a plain path may carry `:L:C` too (Kotlin 1.8+ Gradle plugin: `e: /path/F.kt:12:5 msg`).
        if var located = kotlinLocation(line, from: rest, plainPath: true) {
            located.severity = severity
            return located
        }
        if let javacShape = javac(line, from: rest) { return javacShape }
        let end = ByteScan.trimEnd(line, from: rest, to: line.count)
        guard end > rest else { return nil }
        return JVMDiagnosticMatch(shape: .kotlin, fileStart: rest, fileEnd: rest, line: nil, column: nil,
                                  messageStart: rest, messageEnd: end, severity: severity)
    }

    /// `/path/F.kt: (12, 5): message` or `file:///path/F.kt:12:5 message` (also `…:12:5: message`);
    /// with `plainPath`, also `/path/F.kt:12:5 message` (only after a Kotlin `e: `/`w: `, where
    /// nothing else can be meant).
    private static func kotlinLocation(_ line: JVMLine, from: Int, plainPath: Bool = false) -> JVMDiagnosticMatch? {
        var fileStart = from
        if ByteScan.has(line, "file://", at: from) { fileStart = from + 7 }
        if let paren = ByteScan.find(line, ": (", from: fileStart), paren > fileStart,
           let (number, afterLine) = ByteScan.number(line, at: paren + 3),
           ByteScan.byte(line, afterLine) == UInt8(ascii: ","),
           let (column, afterColumn) = ByteScan.number(line, at: ByteScan.skipSpaces(line, from: afterLine + 1)),
           ByteScan.byte(line, afterColumn) == UInt8(ascii: ")"), plausibleFile(line, fileStart, paren) {
            var messageStart = afterColumn + 1
            if ByteScan.byte(line, messageStart) == UInt8(ascii: ":") { messageStart += 1 }
            messageStart = ByteScan.skipSpaces(line, from: messageStart)
            return JVMDiagnosticMatch(shape: .kotlin, fileStart: fileStart, fileEnd: paren, line: number, column: column,
                                      messageStart: messageStart, messageEnd: ByteScan.trimEnd(line, from: messageStart, to: line.count),
                                      severity: nil)
        }
        guard fileStart > from || plainPath else { return nil }
        // file:///path:l:c message — the first `:digits:digits` followed by a space or colon.
        var cursor = fileStart
        while let colon = ByteScan.find(line, byte: UInt8(ascii: ":"), from: cursor) {
            cursor = colon + 1
            guard let (number, afterLine) = ByteScan.number(line, at: colon + 1),
                  ByteScan.byte(line, afterLine) == UInt8(ascii: ":"),
                  let (column, afterColumn) = ByteScan.number(line, at: afterLine + 1) else { continue }
            var messageStart = afterColumn
            if ByteScan.byte(line, messageStart) == UInt8(ascii: ":") { messageStart += 1 }
            guard messageStart >= line.count || ByteScan.isSpace(line[messageStart]),
                  plausibleFile(line, fileStart, colon) else { continue }
            messageStart = ByteScan.skipSpaces(line, from: messageStart)
            return JVMDiagnosticMatch(shape: .kotlin, fileStart: fileStart, fileEnd: colon, line: number, column: column,
                                      messageStart: messageStart, messageEnd: ByteScan.trimEnd(line, from: messageStart, to: line.count),
                                      severity: nil)
        }
        return nil
    }

    /// A file name: not empty, no leading space, no bracket or angle bracket at its start, and a dot
    /// or a slash somewhere (`F.java`, `/abs/F.kt`, `C:\src\F.java`).
    static func plausibleFile(_ line: JVMLine, _ from: Int, _ to: Int) -> Bool {
        guard to > from, from >= 0, to <= line.count, to - from <= 4096 else { return false }
        let first = line[from]
        if ByteScan.isSpace(first) || first == UInt8(ascii: "[") || first == UInt8(ascii: "<") || first == UInt8(ascii: "(") {
            return false
        }
        return ByteScan.find(line, byte: UInt8(ascii: "."), from: from, to: to) != nil
            || ByteScan.find(line, byte: UInt8(ascii: "/"), from: from, to: to) != nil
    }

    /// A caret line under javac's source line: only spaces, tabs and one `^`.
    static func isCaretLine(_ line: JVMLine, from: Int = 0) -> Bool {
        let start = ByteScan.skipSpaces(line, from: from)
        return ByteScan.byte(line, start) == UInt8(ascii: "^") && ByteScan.skipSpaces(line, from: start + 1) == line.count
    }

    /// The category of a warning from javac's lint tag or its wording (Kotlin has no tags).
    static func warningCategory(_ message: String, javadocTool: Bool) -> String {
        let lowered = message.lowercased()
        if lowered.hasPrefix("[deprecation]") || lowered.hasPrefix("[removal]") { return IssueCategory.deprecationWarning }
        if lowered.hasPrefix("[unchecked]") { return IssueCategory.uncheckedWarning }
        if javadocTool || isJavadocMessage(lowered) { return IssueCategory.javadocWarning }
        if lowered.contains("deprecated") { return IssueCategory.deprecationWarning }
        if lowered.contains("unchecked") { return IssueCategory.uncheckedWarning }
        return IssueCategory.other
    }

    /// doclint's wording (javac -Xdoclint and the javadoc tool).
    static func isJavadocMessage(_ lowered: String) -> Bool {
        for tag in ["[missing]", "[reference]", "[html]", "[syntax]", "[accessibility]"] where lowered.hasPrefix(tag) {
            return true
        }
        return lowered == "no comment" || lowered.hasPrefix("no @") || lowered.hasPrefix("reference not found")
            || lowered.hasPrefix("no main description") || lowered.hasPrefix("no summary")
            || lowered.hasPrefix("@param name not found") || lowered.hasPrefix("exception not thrown")
            || lowered.hasPrefix("tag @") || lowered.hasPrefix("unknown tag") || lowered.hasPrefix("malformed html")
            || lowered.hasPrefix("bad use of '>'") || lowered.hasPrefix("self-closing element not allowed")
            || lowered.hasPrefix("missing comment")
    }

    /// A stack frame line: `\tat demo.CalcTest.bad(CalcTest.java:18)`, `at …(Unknown Source)`.
    struct Frame {
        var classStart: Int
        var classEnd: Int
        var methodStart: Int
        var methodEnd: Int
        var fileStart: Int
        var fileEnd: Int
        var line: Int?
    }

    static func frame(_ line: JVMLine) -> Frame? {
        let start = ByteScan.skipSpaces(line)
        guard ByteScan.has(line, "at ", at: start) else { return nil }
        var nameStart = start + 3
        guard let open = ByteScan.find(line, byte: UInt8(ascii: "("), from: nameStart),
              let close = ByteScan.findLast(line, byte: UInt8(ascii: ")"), from: open) else { return nil }
        // Java 9+ may prefix a module: `at java.base/java.lang.Thread.run(Thread.java:833)`.
        if let slash = ByteScan.findLast(line, byte: UInt8(ascii: "/"), from: nameStart, to: open) { nameStart = slash + 1 }
        guard let dot = ByteScan.findLast(line, byte: UInt8(ascii: "."), from: nameStart, to: open), dot > nameStart else { return nil }
        var fileEnd = close
        var number: Int?
        if let colon = ByteScan.findLast(line, byte: UInt8(ascii: ":"), from: open + 1, to: close),
           let (value, end) = ByteScan.number(line, at: colon + 1), end == close {
            fileEnd = colon
            number = value
        }
        return Frame(classStart: nameStart, classEnd: dot, methodStart: dot + 1, methodEnd: open,
                     fileStart: open + 1, fileEnd: fileEnd, line: number)
    }
}
