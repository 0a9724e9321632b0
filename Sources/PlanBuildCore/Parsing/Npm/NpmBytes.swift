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
        if let base = line.baseAddress {
            // Eight spaces at a time first: code frames and stack traces are deeply indented.
            let raw = UnsafeRawPointer(base)
            while line.count - spaces >= 8, raw.loadUnaligned(fromByteOffset: spaces, as: UInt64.self) == 0x2020_2020_2020_2020 {
                spaces += 8
            }
            while spaces < line.count, line[spaces] == 0x20 || line[spaces] == 0x09 { spaces += 1 }
        }
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
        let expected = prefix.utf8Start
        if length <= 16 {
            // Short prefixes (nearly all): a byte loop beats a call to memcmp.
            var index = 0
            while index < length {
                if base[offset + index] != expected[index] { return false }
                index += 1
            }
            return true
        }
        return memcmp(base + offset, expected, length) == 0
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

    /// `start..<end` without surrounding spaces, as a String (invalid UTF-8 repaired), cut after
    /// `limit` bytes: an issue's text stays bounded whatever the line.
    static func text(_ bytes: Bytes, _ start: Int, _ end: Int, limit: Int = NpmText.maximumMessage) -> String {
        var lower = max(start, 0)
        var upper = min(end, bytes.count)
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        guard lower < upper else { return "" }
        return String(decoding: Bytes(rebasing: bytes[lower..<min(upper, lower + max(limit, 0))]), as: UTF8.self)
    }

    static func text(_ bytes: Bytes) -> String { text(bytes, 0, bytes.count) }
}

/// Text helpers shared by the recognizers.
enum NpmText {
    /// Longest message kept for one issue: a log of any size keeps bounded memory.
    static let maximumMessage = 2_000
    /// Longest file path kept.
    static let maximumPath = 1_024

    static func trimmedRange(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int> {
        var lower = max(start, 0)
        var upper = min(end, bytes.count)
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return lower..<max(lower, upper)
    }

    /// A path without the `./` Jest and some tools put in front of relative paths.
    static func normalizedPath(_ path: String) -> String {
        var result = Substring(path)
        while result.hasPrefix("./") { result = result.dropFirst(2) }
        if result.utf8.count > maximumPath { return String(decoding: result.utf8.suffix(maximumPath), as: UTF8.self) }
        return String(result)
    }

    /// Whether two spellings of a path name the same file: equal, or one ends with `/` + the other
    /// (`./` in front ignored).
    static func samePath(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let x = withoutDotSlash(a), y = withoutDotSlash(b)
        guard x.count > 0, y.count > 0 else { return false }
        let (long, short) = x.count >= y.count ? (x, y) : (y, x)
        let offset = long.count - short.count
        guard let longBase = long.baseAddress, let shortBase = short.baseAddress,
              memcmp(longBase + offset, shortBase, short.count) == 0 else { return false }
        return offset == 0 || long[offset - 1] == UInt8(ascii: "/")
    }

    private static func withoutDotSlash(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        while bytes.count - start >= 2, bytes[start] == UInt8(ascii: "."), bytes[start + 1] == UInt8(ascii: "/") { start += 2 }
        return UnsafeBufferPointer(rebasing: bytes[start...])
    }

    /// Whether a path looks like a test file (`x.test.js`, `x.spec.ts`, `__tests__/x.js`, `test/x.js`).
    static func looksLikeTestFile(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        NpmScan.find(path, ".test.") != nil || NpmScan.find(path, ".spec.") != nil || NpmScan.find(path, "__tests__/") != nil
            || NpmScan.has(path, "test/", at: 0) || NpmScan.find(path, "/test/") != nil
            || NpmScan.has(path, "tests/", at: 0) || NpmScan.find(path, "/tests/") != nil
    }

    /// A stack frame `at fn (path:line:col)`, `fn (path:line:col)` or `at path:line:col`, from `start`
    /// (after any `at `): the range of the path and the line.
    static func frame(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (path: Range<Int>, line: Int)? {
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        var pathStart = start
        if end > start, bytes[end - 1] == UInt8(ascii: ")"),
           let open = NpmScan.lastIndex(of: UInt8(ascii: "("), in: bytes, from: start, to: end) {
            pathStart = open + 1
            end -= 1
        }
        guard let colon2 = NpmScan.lastIndex(of: UInt8(ascii: ":"), in: bytes, from: pathStart, to: end),
              NpmScan.wholeNumber(bytes, colon2 + 1, end) != nil,
              let colon1 = NpmScan.lastIndex(of: UInt8(ascii: ":"), in: bytes, from: pathStart, to: colon2),
              let row = NpmScan.wholeNumber(bytes, colon1 + 1, colon2) else { return nil }
        let path = trimmedRange(bytes, pathStart, colon1)
        guard path.count > 0 else { return nil }
        return (path, row)
    }

    /// Whether a frame's path is the runtime's or a dependency's rather than the project's.
    static func isForeignFrame(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        NpmScan.has(path, "node:", at: 0) || NpmScan.find(path, "node_modules/") != nil || NpmScan.has(path, "internal/", at: 0)
            || NpmScan.find(path, "/usr/share/nodejs/") != nil || NpmScan.has(path, "<anonymous>", at: 0)
    }
}

/// A hash of the bytes that make an issue (64-bit multiply-mix over 8-byte words: a few cycles per
/// word, no per-process seed needed since it only compares issues of one log).
struct NpmFingerprint {
    private var state: UInt64

    init(_ kind: Int) { state = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: kind &+ 1) }

    @inline(__always) private mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 32
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        mix(UInt64(bytes.count))
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        // Four independent lanes per 32 bytes, folded together: the multiplies overlap.
        if bytes.count >= 32 {
            var a: UInt64 = 0x2545_F491_4F6C_DD1D, b: UInt64 = 0x9E37_79B9_7F4A_7C15
            var c: UInt64 = 0xD6E8_FEB8_6659_FD93, d: UInt64 = 0xA076_1D64_78BD_642F
            while bytes.count - offset >= 32 {
                a = (a ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                b = (b ^ raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
                c = (c ^ raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)) &* 0x9FB2_1C65_1E98_DF25
                d = (d ^ raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)) &* 0xE703_7ED1_A0B4_28DB
                a ^= a >> 31; b ^= b >> 29; c ^= c >> 32; d ^= d >> 27
                offset += 32
            }
            mix(a); mix(b); mix(c); mix(d)
        }
        while bytes.count - offset >= 8 {
            mix(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        mix(tail)
    }

    mutating func add(_ buffer: NpmBuffer) { add(buffer.bytes) }

    mutating func add(_ value: Int?) { mix(UInt64(bitPattern: Int64(value ?? Int.min))) }

    func finish() -> Int {
        var value = state
        value ^= value >> 29
        value = value &* 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 32
        return Int(truncatingIfNeeded: value)
    }
}

/// A byte buffer of fixed capacity for the text of the issue being read: appends copy into
/// storage allocated once (longer text is cut), emptying it costs nothing. Each recognizer owns
/// its buffers; copying the struct would share the storage, so contents are copied with `set`.
struct NpmBuffer {
    private final class Storage {
        let base: UnsafeMutablePointer<UInt8>
        init(capacity: Int) { base = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity, 1)) }
        deinit { base.deallocate() }
    }

    private let storage: Storage
    let capacity: Int
    private(set) var count = 0

    init(capacity: Int = NpmText.maximumMessage) {
        self.capacity = capacity
        storage = Storage(capacity: capacity)
    }

    var isEmpty: Bool { count == 0 }
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage.base, count: count) }
    var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always) mutating func reset() { count = 0 }

    /// `source` appended (after `separator` when not empty), cut at the capacity.
    mutating func append(_ source: UnsafeBufferPointer<UInt8>, separator: UInt8? = nil) {
        guard source.count > 0, count < capacity, let from = source.baseAddress else { return }
        if let separator, count > 0 {
            storage.base[count] = separator
            count += 1
        }
        let length = min(source.count, capacity - count)
        guard length > 0 else { return }
        (storage.base + count).update(from: from, count: length)
        count += length
    }

    /// `start..<end` of `source` without surrounding spaces, appended like `append`.
    mutating func appendTrimmed(_ source: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, separator: UInt8? = nil) {
        let range = NpmText.trimmedRange(source, start, end)
        guard !range.isEmpty else { return }
        append(UnsafeBufferPointer(rebasing: source[range]), separator: separator)
    }

    /// The contents of `other` (or `source`) instead of these.
    mutating func set(_ other: NpmBuffer) {
        count = 0
        append(other.bytes)
    }

    mutating func set(_ source: UnsafeBufferPointer<UInt8>) {
        count = 0
        append(source)
    }

    /// A path without surrounding spaces and without the `./` Jest and others put in front,
    /// keeping its end when it is longer than the capacity.
    mutating func setPath(_ source: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        count = 0
        var range = NpmText.trimmedRange(source, start, end)
        while range.count >= 2, source[range.lowerBound] == UInt8(ascii: "."), source[range.lowerBound + 1] == UInt8(ascii: "/") {
            range = (range.lowerBound + 2)..<range.upperBound
        }
        if range.count > capacity { range = (range.upperBound - capacity)..<range.upperBound }
        guard !range.isEmpty else { return }
        append(UnsafeBufferPointer(rebasing: source[range]))
    }
}

/// Fingerprints of issues already reported, in an open-addressing table allocated once: a
/// recognizer offers an issue's fingerprint before it makes any String for it, so a diagnostic
/// repeated all over a huge log costs a hash, not an issue. Once the table is full, new
/// fingerprints are not remembered (the IssueCollector still deduplicates).
struct NpmSeen {
    private final class Table {
        static let slots = 1 << 15
        let base = UnsafeMutablePointer<UInt64>.allocate(capacity: Table.slots)
        init() { base.initialize(repeating: 0, count: Table.slots) }
        deinit { base.deallocate() }
    }

    private let table = Table()
    private var stored = 0
    private static let mask = Table.slots - 1
    /// At most three quarters full: probes stay short.
    private static let capacity = Table.slots / 4 * 3

    /// True unless `fingerprint` was offered before.
    mutating func isNew(_ fingerprint: Int) -> Bool {
        // 0 marks an empty slot.
        let value = UInt64(bitPattern: Int64(fingerprint)) | 1
        var slot = Int(truncatingIfNeeded: value >> 17) & Self.mask
        while true {
            let present = table.base[slot]
            if present == value { return false }
            if present == 0 {
                guard stored < Self.capacity else { return true }
                table.base[slot] = value
                stored += 1
                return true
            }
            slot = (slot + 1) & Self.mask
        }
    }
}
