#if canImport(Glibc)
import Glibc
#endif

/// One log line as the reader hands it over: bytes, no line break, no ANSI escapes.
typealias JVMLine = UnsafeBufferPointer<UInt8>

/// Byte-level helpers for the JVM parsers (Maven, Gradle, javac, kotlinc). Every function checks
/// its bounds, so no input (arbitrary bytes, empty lines, huge numbers) can make it trap.
enum JVMBytes {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    @inline(__always) static func byte(_ line: JVMLine, _ index: Int) -> UInt8 {
        index >= 0 && index < line.count ? line[index] : 0
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

    /// Whether `line` holds `text` at `offset`.
    @inline(__always) static func has(_ line: JVMLine, _ text: StaticString, at offset: Int = 0) -> Bool {
        let length = text.utf8CodeUnitCount
        guard offset >= 0, offset <= line.count, line.count - offset >= length, let base = line.baseAddress else {
            return false
        }
        return length == 0 || memcmp(base + offset, text.utf8Start, length) == 0
    }

    /// Whether the bytes `from..<to` end with `text`.
    static func hasSuffix(_ line: JVMLine, _ text: StaticString, before to: Int? = nil) -> Bool {
        let end = min(max(to ?? line.count, 0), line.count)
        return has(line, text, at: end - text.utf8CodeUnitCount) && end - text.utf8CodeUnitCount >= 0
    }

    /// First offset of `text` in `from..<to`. Lines are short and needles tiny, so this anchors on
    /// the needle's first non-space byte with memchr and confirms with memcmp: no setup per call
    /// (glibc's memmem builds a shift table for every search, which costs more than the search).
    static func find(_ line: JVMLine, _ text: StaticString, from: Int = 0, to: Int? = nil) -> Int? {
        let end = min(max(to ?? line.count, 0), line.count)
        let start = max(from, 0)
        let length = text.utf8CodeUnitCount
        guard length > 0, end - start >= length, let base = line.baseAddress else { return nil }
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

    /// First offset of `value` in `from..<to` (memchr).
    static func find(_ line: JVMLine, byte value: UInt8, from: Int = 0, to: Int? = nil) -> Int? {
        let end = min(max(to ?? line.count, 0), line.count)
        let start = max(from, 0)
        guard end > start, let base = line.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(value), end - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// Last offset of `value` in `from..<to`.
    static func findLast(_ line: JVMLine, byte value: UInt8, from: Int = 0, to: Int? = nil) -> Int? {
        var index = min(max(to ?? line.count, 0), line.count) - 1
        let start = max(from, 0)
        while index >= start {
            if line[index] == value { return index }
            index -= 1
        }
        return nil
    }

    /// The first offset at or after `from` that is not a space or tab.
    static func skipSpaces(_ line: JVMLine, from: Int = 0) -> Int {
        var index = max(from, 0)
        while index < line.count, isSpace(line[index]) { index += 1 }
        return min(index, line.count)
    }

    /// The end of `from..<to` without trailing spaces and tabs.
    static func trimEnd(_ line: JVMLine, from: Int, to: Int) -> Int {
        var end = min(max(to, 0), line.count)
        let start = max(from, 0)
        while end > start, isSpace(line[end - 1]) { end -= 1 }
        return end
    }

    static func isBlank(_ line: JVMLine) -> Bool { skipSpaces(line) == line.count }

    /// A decimal number starting at `from` (at most 9 digits are read, so it cannot overflow).
    /// Returns the value and the offset after its last digit.
    static func number(_ line: JVMLine, at from: Int) -> (value: Int, end: Int)? {
        var index = max(from, 0)
        var value = 0
        var digits = 0
        while index < line.count, isDigit(line[index]) {
            if digits < 9 { value = value &* 10 &+ Int(line[index] &- 0x30) }
            digits += 1
            index += 1
        }
        return digits == 0 ? nil : (value, index)
    }

    /// The bytes `from..<to` as a String (invalid UTF-8 repaired), clamped to the line.
    static func string(_ line: JVMLine, _ from: Int, _ to: Int) -> String {
        let start = min(max(from, 0), line.count)
        let end = min(max(to, start), line.count)
        guard end > start else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }

    /// The number after `label` (e.g. `Failures:`), skipping spaces; nil when absent.
    static func number(after label: StaticString, in line: JVMLine, from: Int = 0) -> Int? {
        guard let at = find(line, label, from: from) else { return nil }
        return number(line, at: skipSpaces(line, from: at + label.utf8CodeUnitCount))?.value
    }
}

/// A 64-bit hash fed piece by piece (8 bytes at a step, multiply and xor-shift): identifies issues,
/// tests and repeated lines without keeping their text. Not for adversaries, only for telling
/// apart the lines of one log.
struct JVMHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) private mutating func mix(_ word: UInt64) {
        var h = (value ^ word) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        value = h
    }

    @inline(__always) mutating func add(_ byte: UInt8) {
        mix(UInt64(byte) | 0x100)
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { mix(0x200); return }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            mix(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(base[index]) << shift
            shift += 8
            index += 1
        }
        mix(tail ^ (UInt64(truncatingIfNeeded: count) << 56))
    }

    mutating func add(_ number: Int) {
        mix(UInt64(bitPattern: Int64(number)))
        mix(0x300)
    }

    mutating func add(_ text: String) {
        var copy = text
        copy.withUTF8 { add($0) }
    }

    mutating func separator() { add(0x1F) }
}

/// A byte buffer with a fixed maximum size (appends beyond it are dropped), allocated once and
/// reused line after line (memcpy, no Array bookkeeping). A value: a copy that is written to gets
/// its own storage.
struct JVMTextBuffer {
    private final class Storage {
        let pointer: UnsafeMutablePointer<UInt8>
        var count = 0
        init(capacity: Int) { pointer = .allocate(capacity: max(capacity, 1)) }
        deinit { pointer.deallocate() }
    }

    private var storage: Storage
    let limit: Int

    init(limit: Int) {
        self.limit = max(limit, 0)
        storage = Storage(capacity: limit)
    }

    var isEmpty: Bool { storage.count == 0 }
    var count: Int { storage.count }

    private mutating func unique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        let copy = Storage(capacity: limit)
        copy.pointer.update(from: storage.pointer, count: storage.count)
        copy.count = storage.count
        storage = copy
    }

    mutating func reset() {
        unique()
        storage.count = 0
    }

    mutating func append(_ line: JVMLine, _ from: Int, _ to: Int) {
        let start = min(max(from, 0), line.count)
        let end = min(max(to, start), line.count)
        let length = min(end - start, limit - storage.count)
        guard length > 0, let base = line.baseAddress else { return }
        unique()
        (storage.pointer + storage.count).update(from: base + start, count: length)
        storage.count += length
    }

    mutating func append(byte: UInt8) {
        guard storage.count < limit else { return }
        unique()
        storage.pointer[storage.count] = byte
        storage.count += 1
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}

/// Remembers which lines (by a hash of their bytes) were handled already, so that a log repeating
/// the same lines (the same goal failure in every module, a log appended to itself) does the
/// String work once. Bounded: once full it stops remembering and lines are simply handled again.
struct JVMSeenLines {
    private var keys: Set<UInt64> = []
    let limit: Int

    init(limit: Int = 16_384) { self.limit = limit }

    /// Whether the bytes `from..<to` (with `salt`, the kind of line) were offered before.
    mutating func seenBefore(_ line: JVMLine, _ from: Int, _ to: Int, salt: UInt8) -> Bool {
        let start = min(max(from, 0), line.count)
        let end = min(max(to, start), line.count)
        var hasher = JVMHasher()
        hasher.add(salt)
        hasher.add(UnsafeBufferPointer(rebasing: line[start..<end]))
        if keys.contains(hasher.value) { return true }
        if keys.count < limit { keys.insert(hasher.value) }
        return false
    }
}
