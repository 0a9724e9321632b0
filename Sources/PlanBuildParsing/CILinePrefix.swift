import PlanBuildSupport

/// What CI systems put in front of a tool's own text, removed before any parser sees a
/// line, so that every parser reads a CI log like the tool's plain output:
///
/// - `\r` progress redraws: only the text after the last `\r` is what a terminal shows
///   (GitLab keeps the redraws in its raw job log).
/// - Jenkins timestamper: `11:02:14  ` (also `11:02:14.123  `) and `[2023-09-13T11:34:06.033Z] `.
/// - GitHub Actions: `2024-05-01T10:00:00.1234567Z ` (and GitLab's newer timestamped log lines,
///   `2024-05-01T10:00:00.123456Z 00O `).
/// - GitLab section markers: `section_start:1714557600:step_script\r…` / `section_end:…`.
/// - Jenkins pipeline parallel branches, `[branch-name] `, and Ant task prefixes, `    [javac] `.
///
/// Several prefixes may follow one another (`[timestamp] [branch] …`). A bracketed word that is a
/// log level (`[INFO]`, `[WARNING]`, `[ERROR]`, …) is never removed: it is the tool's own text.
///
/// Works on the line's bytes without copying (the result is a slice of the line); a line that
/// starts with none of the first bytes of a prefix (a letter, `[INFO]` …) costs a byte compare
/// (LogReader tells whether a `\r` is in the line: it looks once per `\r`, not once per line).
enum CILinePrefix {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// `redrawn`: whether the line may hold a `\r` (the reader knows it without a look at each line).
    @inline(__always)
    static func strip(_ line: Bytes, redrawn: Bool = true) -> Bytes {
        // The fast path, inlined into the reader's loop: only a line whose first bytes could start
        // a prefix goes on to `stripPrefixes` (what `prefixEnd` accepts at the start of a line);
        // every other line costs a switch on its first byte and a compare or two.
        if !redrawn {
            guard let first = line.first else { return line }
            switch first {
            case UInt8(ascii: "["):
                switch ByteScan.byte(line, 1) {
                case UInt8(ascii: "I"): if ByteScan.has(line, "[INFO]") { return line }
                case UInt8(ascii: "E"): if ByteScan.has(line, "[ERROR]") { return line }
                case UInt8(ascii: "W"): if ByteScan.has(line, "[WARNING]") { return line }
                default: break
                }
            case 0x30...0x39:
                // `HH:MM:SS` or `YYYY-MM-DDT…`.
                guard ByteScan.byte(line, 2) == UInt8(ascii: ":") || ByteScan.byte(line, 4) == UInt8(ascii: "-") else { return line }
            case ByteScan.space:
                // Only Ant's `    [javac] ` starts with spaces.
                guard ByteScan.byte(line, skipIndent(line)) == UInt8(ascii: "[") else { return line }
            case UInt8(ascii: "s"):
                guard ByteScan.has(line, "section_") else { return line }
            default:
                return line
            }
        }
        return stripPrefixes(line, redrawn: redrawn)
    }

    /// The offset of the first byte that is neither a space nor a tab (eight spaces at a time
    /// first: indented stack traces and code frames are the common lines that start with one).
    @inline(__always)
    private static func skipIndent(_ line: Bytes) -> Int {
        guard let base = line.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while line.count - index >= 8, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) == 0x2020_2020_2020_2020 {
            index += 8
        }
        while index < line.count, ByteScan.isSpace(base[index]) { index += 1 }
        return index
    }

    private static func stripPrefixes(_ line: Bytes, redrawn: Bool) -> Bytes {
        guard let base = line.baseAddress, line.count > 0 else { return line }
        var start = 0
        if redrawn, memchr(base, 0x0D, line.count) != nil { start = afterRedraws(line) }
        // A handful of prefixes at most; each pass removes one.
        for _ in 0..<4 {
            guard let next = prefixEnd(line, at: start) else { break }
            start = next
        }
        return start == 0 ? line : Bytes(rebasing: line[start...])
    }

    /// The start of the text after the last `\r` that has text after it.
    private static func afterRedraws(_ line: Bytes) -> Int {
        var index = line.count - 1
        while index >= 0 {
            if line[index] == 0x0D, index < line.count - 1 { return index + 1 }
            index -= 1
        }
        return 0
    }

    /// Where the tool's text starts when a CI prefix is at `at`, else nil.
    private static func prefixEnd(_ line: Bytes, at: Int) -> Int? {
        let first = ByteScan.byte(line, at)
        switch first {
        case 0x30...0x39:
            return clockTime(line, at) ?? isoTimestamp(line, at).map { afterGitLabStream(line, spaceAfter(line, $0, maximum: 1)) }
        case UInt8(ascii: "["):
            // Maven's own levels first: most lines of a Maven log are these.
            switch ByteScan.byte(line, at + 1) {
            case UInt8(ascii: "I"): if ByteScan.has(line, "[INFO]", at: at) { return nil }
            case UInt8(ascii: "E"): if ByteScan.has(line, "[ERROR]", at: at) { return nil }
            case UInt8(ascii: "W"): if ByteScan.has(line, "[WARNING]", at: at) { return nil }
            default: break
            }
            if ByteScan.isDigit(ByteScan.byte(line, at + 1)), let end = isoTimestamp(line, at + 1),
               ByteScan.byte(line, end) == UInt8(ascii: "]") {
                return spaceAfter(line, end + 1, maximum: 1)
            }
            return bracketedName(line, at, lowercaseOnly: false)
        case ByteScan.space:
            // Ant right-aligns its task name: `    [javac] `.
            let bracket = ByteScan.skipSpaces(line, from: at)
            guard ByteScan.byte(line, bracket) == UInt8(ascii: "[") else { return nil }
            return bracketedName(line, bracket, lowercaseOnly: true)
        case UInt8(ascii: "s"):
            return sectionMarker(line, at)
        default:
            return nil
        }
    }

    /// `HH:MM:SS` or `HH:MM:SS.fff`, then up to two spaces (the timestamper's separator); nil
    /// unless a space or the end of the line follows.
    private static func clockTime(_ line: Bytes, _ at: Int) -> Int? {
        guard twoDigits(line, at), ByteScan.byte(line, at + 2) == UInt8(ascii: ":"), twoDigits(line, at + 3),
              ByteScan.byte(line, at + 5) == UInt8(ascii: ":"), twoDigits(line, at + 6) else { return nil }
        var end = at + 8
        if ByteScan.byte(line, end) == UInt8(ascii: "."), ByteScan.isDigit(ByteScan.byte(line, end + 1)) {
            end += 1
            while ByteScan.isDigit(ByteScan.byte(line, end)) { end += 1 }
        }
        guard end == line.count || ByteScan.byte(line, end) == ByteScan.space else { return nil }
        return spaceAfter(line, end, maximum: 2)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` at `at`: the offset after the `Z`.
    private static func isoTimestamp(_ line: Bytes, _ at: Int) -> Int? {
        guard twoDigits(line, at), twoDigits(line, at + 2), ByteScan.byte(line, at + 4) == UInt8(ascii: "-"),
              twoDigits(line, at + 5), ByteScan.byte(line, at + 7) == UInt8(ascii: "-"), twoDigits(line, at + 8),
              ByteScan.byte(line, at + 10) == UInt8(ascii: "T"), twoDigits(line, at + 11),
              ByteScan.byte(line, at + 13) == UInt8(ascii: ":"), twoDigits(line, at + 14),
              ByteScan.byte(line, at + 16) == UInt8(ascii: ":"), twoDigits(line, at + 17) else { return nil }
        var end = at + 19
        if ByteScan.byte(line, end) == UInt8(ascii: ".") {
            end += 1
            while ByteScan.isDigit(ByteScan.byte(line, end)) { end += 1 }
        }
        guard ByteScan.byte(line, end) == UInt8(ascii: "Z") else { return nil }
        return end + 1
    }

    /// GitLab's timestamped logs add a stream number and a flag after the timestamp: `00O `, `01E+`.
    private static func afterGitLabStream(_ line: Bytes, _ at: Int) -> Int {
        guard twoDigits(line, at) else { return at }
        let stream = ByteScan.byte(line, at + 2)
        guard stream == UInt8(ascii: "O") || stream == UInt8(ascii: "E") else { return at }
        var end = at + 3
        if ByteScan.byte(line, end) == UInt8(ascii: "+") { end += 1 }
        guard end == line.count || ByteScan.byte(line, end) == ByteScan.space else { return at }
        return spaceAfter(line, end, maximum: 1)
    }

    /// `[name] ` (a branch of a parallel pipeline, an Ant task): the offset after the space. Not a
    /// log level, not Maven's `[Help 1]`, no commas or percent signs (`[1, 2]`, `[ 50%]`).
    private static func bracketedName(_ line: Bytes, _ at: Int, lowercaseOnly: Bool) -> Int? {
        var index = at + 1
        let limit = min(line.count, at + 81)
        var letters = 0
        while index < limit, line[index] != UInt8(ascii: "]") {
            let b = line[index]
            if ByteScan.isLower(b) { letters += 1 }
            else if lowercaseOnly { return nil }
            else if ByteScan.isUpper(b) { letters += 1 }
            else if !(ByteScan.isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
                      || b == UInt8(ascii: "/") || b == UInt8(ascii: ":") || b == UInt8(ascii: "@") || b == UInt8(ascii: "#")
                      || b == ByteScan.space) {
                return nil
            }
            index += 1
        }
        guard index < limit, letters > 0, ByteScan.byte(line, index + 1) == ByteScan.space,
              ByteScan.byte(line, at + 1) != ByteScan.space, !isLevel(line, at + 1, index) else { return nil }
        return index + 2
    }

    /// Log levels and Maven's help reference, in any case: these brackets are the tool's own.
    private static func isLevel(_ line: Bytes, _ from: Int, _ to: Int) -> Bool {
        let length = to - from
        guard length >= 4, length <= 7 else { return false }
        var word: UInt64 = 0
        for index in from..<to { word = word << 8 | UInt64(line[index] | 0x20) } // ASCII lower case
        switch length {
        case 4: return word == 0x696e666f || word == 0x7761726e || word == 0x6e6f7465 // info warn note
        case 5: return word == 0x6572726f72 || word == 0x6465627567 || word == 0x7472616365 || word == 0x666174616c // error debug trace fatal
        case 6: return word == 0x736576657265 || isHelp(line, from, to) // severe
        case 7: return word == 0x7761726e696e67 || isHelp(line, from, to) // warning
        default: return false
        }
    }

    /// `[Help 1]` … `[Help 99]`.
    private static func isHelp(_ line: Bytes, _ from: Int, _ to: Int) -> Bool {
        ByteScan.has(line, "Help ", at: from) && ByteScan.wholeNumber(line, from + 5, to) != nil
    }

    /// `section_start:1714557600:name[collapsed=true]\r…` (the `\r` and what it hid are gone
    /// already) and `section_end:1714557600:name`: the marker is removed.
    private static func sectionMarker(_ line: Bytes, _ at: Int) -> Int? {
        let length: Int
        if ByteScan.has(line, "section_start:", at: at) { length = 14 }
        else if ByteScan.has(line, "section_end:", at: at) { length = 12 }
        else { return nil }
        guard let (_, end) = ByteScan.number(line, at: at + length), ByteScan.byte(line, end) == UInt8(ascii: ":") else {
            return nil
        }
        return line.count
    }

    private static func spaceAfter(_ line: Bytes, _ at: Int, maximum: Int) -> Int {
        var end = at
        while end < at + maximum, ByteScan.byte(line, end) == ByteScan.space { end += 1 }
        return end
    }

    @inline(__always) private static func twoDigits(_ line: Bytes, _ at: Int) -> Bool {
        ByteScan.isDigit(ByteScan.byte(line, at)) && ByteScan.isDigit(ByteScan.byte(line, at + 1))
    }
}
