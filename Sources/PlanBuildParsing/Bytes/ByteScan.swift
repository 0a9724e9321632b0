import CPlanBuildSupport
import PlanBuildSupport

/// Byte-level scanning of one log line, for every parser (Maven, Gradle, npm and the tools they
/// run). Nothing here allocates except `string`/`text`, and every function checks its bounds, so
/// no input (arbitrary bytes, empty lines, huge numbers, offsets out of range) can make it trap.
enum ByteScan {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    /// The byte at `index`, 0 outside the line.
    @inline(__always) static func byte(_ bytes: Bytes, _ index: Int) -> UInt8 {
        index >= 0 && index < bytes.count ? bytes[index] : 0
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == space || b == tab }
    /// Java identifier bytes (ASCII part; non-ASCII bytes are accepted as identifier bytes too).
    @inline(__always) static func isIdentifier(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b >= 0x80
    }

    /// Whether `bytes` holds `text` at `offset`.
    @inline(__always) static func has(_ bytes: Bytes, _ text: StaticString, at offset: Int = 0) -> Bool {
        let length = text.utf8CodeUnitCount
        guard offset >= 0, offset <= bytes.count, bytes.count - offset >= length, let base = bytes.baseAddress else {
            return false
        }
        let expected = text.utf8Start
        if length <= 16 {
            // Nearly all prefixes are short: an inlined byte loop needs no call. (Against memcmp
            // for every length, benchmarks/parse showed no difference beyond its noise.)
            var index = 0
            while index < length {
                if base[offset &+ index] != expected[index] { return false }
                index &+= 1
            }
            return true
        }
        return memcmp(base + offset, expected, length) == 0
    }

    /// Whether the bytes before `before` (default: the end) end with `text`.
    static func hasSuffix(_ bytes: Bytes, _ text: StaticString, before to: Int? = nil) -> Bool {
        let end = min(max(to ?? bytes.count, 0), bytes.count)
        return end - text.utf8CodeUnitCount >= 0 && has(bytes, text, at: end - text.utf8CodeUnitCount)
    }

    /// First offset of `text` in `from..<to`. Lines are short and needles tiny, so this anchors on
    /// the needle's first non-space byte with memchr and confirms with memcmp: no setup per call
    /// (glibc's memmem prepares each search, which costs more than the search on a log line:
    /// measured on the benchmarks/parse logs, memmem was no faster: Maven +4 % CPU, npm within noise).
    static func find(_ bytes: Bytes, _ text: StaticString, from: Int = 0, to: Int? = nil) -> Int? {
        let end = min(max(to ?? bytes.count, 0), bytes.count)
        let start = max(from, 0)
        let length = text.utf8CodeUnitCount
        guard length > 0, end - start >= length, let base = bytes.baseAddress else { return nil }
        let needle = text.utf8Start
        var anchor = 0
        while anchor < length - 1, needle[anchor] == space { anchor += 1 }
        let anchorByte = Int32(needle[anchor])
        var cursor = start + anchor           // where the anchor byte may be
        let lastAnchor = end - length + anchor // its last possible place
        while cursor <= lastAnchor {
            guard let hit = memchr(base + cursor, anchorByte, lastAnchor - cursor + 1) else { return nil }
            let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base) - anchor
            if memcmp(base + at, needle, length) == 0 { return at }
            cursor = at + anchor + 1
        }
        return nil
    }

    /// Whether `needle`, known only at run time (a remembered message), occurs in `bytes`: memmem,
    /// whose preparation pays off on such longer needles.
    static func contains(_ bytes: Bytes, _ needle: Bytes) -> Bool {
        guard needle.count > 0 else { return true }
        guard needle.count <= bytes.count, let base = bytes.baseAddress, let pin = needle.baseAddress else { return false }
        return pbs_memmem(base, bytes.count, pin, needle.count) != nil
    }

    /// The offset of the last `text` that ends at or before `before` (default: the end).
    static func findLast(_ bytes: Bytes, _ text: StaticString, before: Int? = nil) -> Int? {
        let length = text.utf8CodeUnitCount
        let end = min(max(before ?? bytes.count, 0), bytes.count)
        guard length > 0, end >= length else { return nil }
        var index = end - length
        while index >= 0 {
            if has(bytes, text, at: index) { return index }
            index -= 1
        }
        return nil
    }

    /// First offset of `value` in `from..<to` (memchr).
    static func find(_ bytes: Bytes, byte value: UInt8, from: Int = 0, to: Int? = nil) -> Int? {
        let end = min(max(to ?? bytes.count, 0), bytes.count)
        let start = max(from, 0)
        guard end > start, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(value), end - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// Last offset of `value` in `from..<to`.
    static func findLast(_ bytes: Bytes, byte value: UInt8, from: Int = 0, to: Int? = nil) -> Int? {
        var index = min(max(to ?? bytes.count, 0), bytes.count) - 1
        let start = max(from, 0)
        while index >= start {
            if bytes[index] == value { return index }
            index -= 1
        }
        return nil
    }

    /// The first offset at or after `from` that is not a space or tab.
    static func skipSpaces(_ bytes: Bytes, from: Int = 0) -> Int {
        var index = max(from, 0)
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        return min(index, bytes.count)
    }

    /// The end of `from..<to` without trailing spaces and tabs.
    static func trimEnd(_ bytes: Bytes, from: Int, to: Int) -> Int {
        var end = min(max(to, 0), bytes.count)
        let start = max(from, 0)
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return end
    }

    /// `start..<end` (clamped to the line) without surrounding spaces and tabs.
    static func trimmed(_ bytes: Bytes, _ start: Int, _ end: Int) -> Range<Int> {
        let lower = min(skipSpaces(bytes, from: start), bytes.count)
        let upper = trimEnd(bytes, from: lower, to: end)
        return lower..<max(lower, upper)
    }

    static func isBlank(_ bytes: Bytes) -> Bool { skipSpaces(bytes) == bytes.count }

    /// A run of decimal digits starting at `from`: its value and the offset after its last digit.
    /// The value stops growing at 10^12 (no line, column or count is that large), so it cannot
    /// overflow however long the run.
    static func number(_ bytes: Bytes, at from: Int) -> (value: Int, end: Int)? {
        guard from >= 0 else { return nil }
        var index = from
        var value = 0
        while index < bytes.count, isDigit(bytes[index]) {
            if value < 1_000_000_000_000 { value = value * 10 + Int(bytes[index] &- 0x30) }
            index += 1
        }
        return index > from ? (value, index) : nil
    }

    /// The digits exactly filling `start..<end`.
    static func wholeNumber(_ bytes: Bytes, _ start: Int, _ end: Int) -> Int? {
        guard let parsed = number(bytes, at: start), parsed.end == end else { return nil }
        return parsed.value
    }

    /// The decimal number exactly filling `start..<end`: digits with at most one dot (`412.87`, `5.`,
    /// `.5`), the same Double as `Double(String)` makes of them; nil for any other bytes (no sign,
    /// exponent or hex form). Read on the bytes: making a String for strtod cost more than all the
    /// rest of reading a pytest counts line. Up to 15 digits they make an integer below 2^53 and
    /// the dot a power of ten up to 10^15, both exact in a Double, so one division, rounded once,
    /// gives the correctly rounded value, as strtod does; longer numbers take strtod's way.
    static func decimal(_ bytes: Bytes, _ start: Int, _ end: Int) -> Double? {
        guard start >= 0, end <= bytes.count, start < end else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        var dot: Int?
        for index in start..<end {
            let byte = bytes[index]
            if isDigit(byte) {
                if digits < 16 { mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30) }
                digits += 1
            } else if byte == UInt8(ascii: "."), dot == nil {
                dot = index
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        guard digits <= 15 else { return Double(string(bytes, start, end)) }
        var divisor = 1.0
        if let dot {
            for _ in (dot + 1)..<end { divisor *= 10 }
        }
        return Double(mantissa) / divisor
    }

    /// The number after `label` (e.g. `Failures:`), skipping spaces; nil when absent.
    static func number(after label: StaticString, in bytes: Bytes, from: Int = 0) -> Int? {
        guard let at = find(bytes, label, from: from) else { return nil }
        return number(bytes, at: skipSpaces(bytes, from: at + label.utf8CodeUnitCount))?.value
    }

    /// The bytes `from..<to` as a String (invalid UTF-8 repaired), clamped to the line.
    static func string(_ bytes: Bytes, _ from: Int, _ to: Int) -> String {
        let start = min(max(from, 0), bytes.count)
        let end = min(max(to, start), bytes.count)
        guard end > start else { return "" }
        return String(decoding: Bytes(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// `start..<end` without surrounding spaces as a String, cut after `limit` bytes: an issue's
    /// text stays bounded whatever the line.
    static func text(_ bytes: Bytes, _ start: Int, _ end: Int, limit: Int) -> String {
        let range = textRange(bytes, start, end, limit: limit)
        return string(bytes, range.lowerBound, range.upperBound)
    }

    /// The bytes `text` makes its String of (for a caller that keeps them as bytes until it knows
    /// the String is needed).
    static func textRange(_ bytes: Bytes, _ start: Int, _ end: Int, limit: Int) -> Range<Int> {
        let range = trimmed(bytes, start, end)
        return range.lowerBound..<min(range.upperBound, range.lowerBound + max(limit, 0))
    }

    /// Whether `start..<end` is exactly `text`.
    static func equals(_ bytes: Bytes, _ start: Int, _ end: Int, _ text: StaticString) -> Bool {
        end - start == text.utf8CodeUnitCount && has(bytes, text, at: start)
    }
}
