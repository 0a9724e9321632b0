#if canImport(Glibc)
import Glibc
#endif
import CPlanBuildSupport

/// One log line as the npm recognizers see it: the bytes after the last carriage return (a
/// terminal redraw such as Jest's `RUNS` line overwrites what came before it), with the width of
/// its indentation. Nothing here allocates; a `String` is made only for a line worth keeping.
struct NpmLine {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The whole line.
    let bytes: Bytes
    /// Leading spaces (a tab counts as one).
    let indent: Int

    init(_ raw: Bytes) {
        var line = raw
        if let base = raw.baseAddress, raw.count > 0, memchr(base, 0x0D, raw.count) != nil {
            line = NpmLine.afterLastCarriageReturn(raw)
        }
        bytes = line
        var spaces = 0
        while spaces < line.count, line[spaces] == 0x20 || line[spaces] == 0x09 { spaces += 1 }
        indent = spaces
    }

    var isBlank: Bool { indent == bytes.count }
    var count: Int { bytes.count }
    /// The first byte after the indentation (0 on a blank line).
    var lead: UInt8 { indent < bytes.count ? bytes[indent] : 0 }
    /// The bytes after the indentation.
    var body: Bytes { Bytes(rebasing: bytes[indent...]) }

    /// What a terminal shows of a line written over itself: the last non-empty part after `\r`.
    private static func afterLastCarriageReturn(_ raw: Bytes) -> Bytes {
        var end = raw.count
        var index = raw.count - 1
        while index >= 0 {
            if raw[index] == 0x0D {
                if index + 1 < end { return Bytes(rebasing: raw[(index + 1)..<end]) }
                end = index
            }
            index -= 1
        }
        return Bytes(rebasing: raw[0..<end])
    }
}

/// Byte-level scanning helpers (all bounds-checked: any input is safe).
enum NpmScan {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Whether `bytes` has `prefix` at `offset`.
    @inline(__always) static func has(_ bytes: Bytes, _ prefix: StaticString, at offset: Int) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard offset >= 0, offset <= bytes.count, bytes.count - offset >= length, let base = bytes.baseAddress else { return false }
        return memcmp(base + offset, prefix.utf8Start, length) == 0
    }

    /// The offset of the first `needle` at or after `from`.
    static func find(_ bytes: Bytes, _ needle: StaticString, from: Int = 0) -> Int? {
        let length = needle.utf8CodeUnitCount
        guard from >= 0, from <= bytes.count, bytes.count - from >= length, let base = bytes.baseAddress else { return nil }
        guard let found = pbs_memmem(base + from, bytes.count - from, needle.utf8Start, length) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// The offset of the last `needle` that ends at or before `before`.
    static func findLast(_ bytes: Bytes, _ needle: StaticString, before: Int? = nil) -> Int? {
        let length = needle.utf8CodeUnitCount
        let end = min(before ?? bytes.count, bytes.count)
        guard length > 0, end >= length else { return nil }
        var index = end - length
        while index >= 0 {
            if has(bytes, needle, at: index) { return index }
            index -= 1
        }
        return nil
    }

    /// The offset of the first `byte` in `range`.
    static func index(of byte: UInt8, in bytes: Bytes, from: Int = 0, to: Int? = nil) -> Int? {
        let end = min(to ?? bytes.count, bytes.count)
        guard from >= 0, from < end, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), end - from) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// The offset of the last `byte` before `to`.
    static func lastIndex(of byte: UInt8, in bytes: Bytes, from: Int = 0, to: Int? = nil) -> Int? {
        var index = min(to ?? bytes.count, bytes.count) - 1
        while index >= max(from, 0) {
            if bytes[index] == byte { return index }
            index -= 1
        }
        return nil
    }

    /// A run of decimal digits starting at `offset`: its value (capped, never overflowing) and end.
    static func number(_ bytes: Bytes, at offset: Int) -> (value: Int, end: Int)? {
        guard offset >= 0 else { return nil }
        var index = offset
        var value = 0
        while index < bytes.count, isDigit(bytes[index]) {
            if value < 1_000_000_000_000 { value = value * 10 + Int(bytes[index] - 0x30) }
            index += 1
        }
        return index > offset ? (value, index) : nil
    }

    /// The digits exactly filling `start..<end`.
    static func wholeNumber(_ bytes: Bytes, _ start: Int, _ end: Int) -> Int? {
        guard let parsed = number(bytes, at: start), parsed.end == end else { return nil }
        return parsed.value
    }

    static func skipSpaces(_ bytes: Bytes, from: Int) -> Int {
        var index = max(from, 0)
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        return index
    }

    /// `start..<end` without surrounding spaces, as a String (invalid UTF-8 repaired).
    static func text(_ bytes: Bytes, _ start: Int, _ end: Int) -> String {
        var lower = max(start, 0)
        var upper = min(end, bytes.count)
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        guard lower < upper else { return "" }
        return String(decoding: Bytes(rebasing: bytes[lower..<upper]), as: UTF8.self)
    }

    static func text(_ bytes: Bytes) -> String { text(bytes, 0, bytes.count) }
}

/// Text helpers shared by the recognizers.
enum NpmText {
    /// Longest message kept for one issue: a log of any size keeps bounded memory.
    static let maximumMessage = 2_000
    /// Longest file path kept.
    static let maximumPath = 1_024

    /// `text` appended to `message` after `separator`, within `maximumMessage`.
    static func append(_ text: String, to message: inout String, separator: String = "\n") {
        guard !text.isEmpty, message.utf8.count < maximumMessage else { return }
        message += message.isEmpty ? text : separator + text
        if message.utf8.count > maximumMessage {
            message = String(decoding: message.utf8.prefix(maximumMessage), as: UTF8.self)
        }
    }

    /// A path without the `./` Jest and some tools put in front of relative paths.
    static func normalizedPath(_ path: String) -> String {
        var result = Substring(path)
        while result.hasPrefix("./") { result = result.dropFirst(2) }
        if result.utf8.count > maximumPath { return String(decoding: result.utf8.suffix(maximumPath), as: UTF8.self) }
        return String(result)
    }

    /// Whether two spellings of a path name the same file: equal, or one ends with `/` + the other.
    static func samePath(_ a: String, _ b: String) -> Bool {
        let x = normalizedPath(a), y = normalizedPath(b)
        if x.isEmpty || y.isEmpty { return false }
        if x == y { return true }
        if x.count > y.count { return x.hasSuffix("/" + y) }
        return y.hasSuffix("/" + x)
    }

    /// Whether a path looks like a test file (`x.test.js`, `x.spec.ts`, `__tests__/x.js`, `test/x.js`).
    static func looksLikeTestFile(_ path: String) -> Bool {
        path.contains(".test.") || path.contains(".spec.") || path.contains("__tests__/")
            || path.hasPrefix("test/") || path.contains("/test/") || path.hasPrefix("tests/") || path.contains("/tests/")
    }
}
