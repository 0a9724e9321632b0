/// Why a JSON text could not be read; `offset` is the byte where reading stopped.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public let offset: Int
    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict RFC 8259 reader over bytes. It never traps: nesting is capped so hostile input
/// cannot exhaust the stack, and invalid UTF-8 inside strings is repaired, not fatal.
///
/// Every C ABI request and every file PlanBuild reads passes here, from a few hundred bytes to a
/// derived-data.json of tens of megabytes, so the value it builds is as small as the JSONValue
/// API allows: each array and object is collected on a stack shared by the whole parse and
/// copied out at its end into storage of exactly its size (no spare capacity from growing), a
/// small object carries no key index (JSONObject), and a string without escapes is made from the
/// input directly. `parse(releasing:)` also gives an input's pages back as it goes.
public struct JSONParser {
    public static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    /// Whether to record every value's text as written (JSONSource), for files PlanBuild rewrites.
    private let keepsSource: Bool
    /// The members and elements read so far of the objects and arrays still open, innermost last.
    private var openMembers: [(key: String, value: JSONValue)] = []
    private var openElements: [JSONValue] = []
    /// A string with escapes, as it is decoded.
    private var unescaped: [UInt8] = []
    /// For a large input, where texts repeat by the thousand (RecentStrings).
    private var recentStrings: RecentStrings?
    private static let sharesStringsFrom = 256 << 10
    /// With an input of its own (parse(releasing:)): how much is parsed between two releases of
    /// its pages, the position of the next one (Int.max: never, the input is the caller's), and
    /// how far the pages have been given back.
    private let releaseStep: Int
    private var nextRelease: Int
    private var released = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, keepsSource: Bool = false, releaseStep: Int? = nil) {
        self.bytes = bytes
        self.keepsSource = keepsSource
        self.releaseStep = max(1, releaseStep ?? .max)
        nextRelease = releaseStep ?? .max
        if bytes.count >= JSONParser.sharesStringsFrom { recentStrings = RecentStrings() }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONParseError> = copy.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(bytes: buffer) }
        }
        return try result.get()
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        try parse(bytes: bytes, keepingSource: false).value
    }

    /// The value and the text each part of it was written as, so that a rewrite can give back
    /// what it did not change byte for byte (JSONWriter.write(_:indent:keeping:)).
    public static func parseKeepingSource(bytes: [UInt8]) throws(JSONParseError) -> (value: JSONValue, source: JSONSource) {
        let result: Result<(value: JSONValue, source: JSONSource), JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> (value: JSONValue, source: JSONSource) in try parse(bytes: buffer, keepingSource: true) }
        }
        return try result.get()
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, keepingSource: Bool, releaseStep: Int? = nil)
        throws(JSONParseError) -> (value: JSONValue, source: JSONSource)
    {
        var parser = JSONParser(bytes: bytes, keepsSource: keepingSource, releaseStep: releaseStep)
        parser.skipWhitespace()
        var source = JSONSource.none
        let value = try parser.readValue(&source)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return (value, source)
    }

    public static func parse(bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) -> JSONValue in try parse(bytes: buffer) }
        }
        return try result.get()
    }

    /// Like `parse(bytes:)`, for bytes nobody reads afterwards (a file just read): the pages
    /// already parsed are given back to the system while the rest is read, so a large file and
    /// the value built from it are not both held in full. The bytes are gone afterwards.
    public static func parse(releasing bytes: consuming [UInt8]) throws(JSONParseError) -> JSONValue {
        try parse(releasing: bytes, every: 1 << 20)
    }

    /// `parse(releasing:)`, giving pages back each time `step` more bytes are parsed.
    static func parse(releasing bytes: consuming [UInt8], every step: Int) throws(JSONParseError) -> JSONValue {
        guard bytes.count > step else { return try parse(bytes: bytes) }
        // Mutable access makes the storage this parse's own (copied if anyone else shares it).
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                try parse(bytes: UnsafeBufferPointer(buffer), keepingSource: false, releaseStep: step).value
            }
        }
        return try result.get()
    }

    /// Called where no text before `position` is read again: a member or an element is complete.
    private mutating func completed() {
        if position >= nextRelease { releaseParsedInput() }
    }

    /// The whole pages before `position` back to the system: they read as zeros afterwards, and
    /// nothing reads them.
    private mutating func releaseParsedInput() {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let base = bytes.baseAddress, page > 0 else { nextRelease = .max; return }
        let start = Int(bitPattern: base)
        let from = (start + released + page - 1) / page * page
        let to = (start + position) / page * page
        if to > from {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, MADV_DONTNEED)
            released = to - start
        }
        nextRelease = position < Int.max - releaseStep ? position + releaseStep : .max
    }

    private func failure(_ reason: String) -> JSONParseError { JSONParseError(reason: reason, offset: position) }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    /// Reads one value; with `keepsSource`, `source` receives how it was written.
    private mutating func readValue(_ source: inout JSONSource) throws(JSONParseError) -> JSONValue {
        guard let byte = current else { throw failure("unexpected end of input") }
        let start = position
        let value: JSONValue
        switch byte {
        case UInt8(ascii: "{"): return try readObject(&source)
        case UInt8(ascii: "["): return try readArray(&source)
        case UInt8(ascii: "\""): value = .string(try readString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try readNumber()
        default: throw failure("unexpected character")
        }
        if keepsSource { source = .scalar(text(from: start), value) }
        return value
    }

    /// The input from `start` to the current position, as written.
    private func text(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONParseError) {
        let length = word.utf8CodeUnitCount
        guard bytes.count - position >= length else { throw failure("unexpected end of input") }
        for index in 0..<length where bytes[position + index] != word.utf8Start[index] {
            throw failure("invalid literal")
        }
        position += length
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > JSONParser.maximumDepth { throw failure("nesting deeper than \(JSONParser.maximumDepth)") }
    }

    private mutating func readObject(_ source: inout JSONSource) throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        var sourceMembers: [String: (key: String, source: JSONSource)] = [:]
        defer { if keepsSource { source = .object(sourceMembers) } }
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; depth -= 1; return .object(JSONObject()) }
        let first = openMembers.count
        // Positions counted from `first`, once the object has more keys than JSONObject compares in order.
        var index: [String: Int]?
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyStart = position
            let key = try readString()
            let keyText = keepsSource ? text(from: keyStart) : ""
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            skipWhitespace()
            var member = JSONSource.none
            let value = try readValue(&member)
            if keepsSource { sourceMembers[key] = (keyText, member) }
            let repeated: Int?
            if let index {
                repeated = index[key].map { first + $0 }
            } else {
                repeated = JSONObject.position(of: key, in: openMembers[first...])
            }
            if let repeated {
                openMembers[repeated].value = value
            } else {
                openMembers.append((key, value))
                if index != nil {
                    index?[key] = openMembers.count - 1 - first
                } else if openMembers.count - first > JSONObject.indexedCount {
                    index = JSONObject.makeIndex(openMembers[first...])
                }
            }
            completed()
            skipWhitespace()
            guard let separator = current else { throw failure("unexpected end of input") }
            position += 1
            if separator == UInt8(ascii: "}") { break }
            guard separator == UInt8(ascii: ",") else { position -= 1; throw failure("expected ',' or '}'") }
        }
        depth -= 1
        let object = JSONObject(distinctEntries: Self.copy(openMembers, from: first), index: index)
        openMembers.removeSubrange(first...)
        return .object(object)
    }

    private mutating func readArray(_ source: inout JSONSource) throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        var sources: [JSONSource] = []
        defer { if keepsSource { source = .array(sources) } }
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; depth -= 1; return .array([]) }
        let first = openElements.count
        while true {
            skipWhitespace()
            var element = JSONSource.none
            let value = try readValue(&element)
            openElements.append(value)
            if keepsSource { sources.append(element) }
            completed()
            skipWhitespace()
            guard let separator = current else { throw failure("unexpected end of input") }
            position += 1
            if separator == UInt8(ascii: "]") { break }
            guard separator == UInt8(ascii: ",") else { position -= 1; throw failure("expected ',' or ']'") }
        }
        depth -= 1
        let array = Self.copy(openElements, from: first)
        openElements.removeSubrange(first...)
        return .array(array)
    }

    /// `stack[first...]` in storage of exactly its size (an Array made from a slice that reaches
    /// the stack's start would share the stack's storage, spare capacity and all).
    private static func copy<Element>(_ stack: [Element], from first: Int) -> [Element] {
        let count = stack.count - first
        return stack.withUnsafeBufferPointer { source in
            [Element](unsafeUninitializedCapacity: count) { target, initialized in
                _ = target.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: source[first...]))
                initialized = count
            }
        }
    }

    private mutating func readNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        let negative = current == UInt8(ascii: "-")
        if negative { position += 1 }
        guard let first = current, first >= 0x30, first <= 0x39 else { throw failure("invalid number") }
        let digitsStart = position
        // Up to 18 digits cannot overflow an Int; longer integers go through Int(text) below.
        var magnitude = 0
        if first == 0x30 {
            position += 1
        } else {
            while let byte = current, byte >= 0x30, byte <= 0x39 {
                magnitude = magnitude &* 10 &+ Int(byte &- 0x30)
                position += 1
            }
        }
        let digits = position - digitsStart
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let digit = current, digit >= 0x30, digit <= 0x39 else { throw failure("invalid number") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let digit = current, digit >= 0x30, digit <= 0x39 else { throw failure("invalid number") }
            skipDigits()
        }
        if isInteger, digits <= 18 { return .int(negative ? -magnitude : magnitude) }
        let text = text(from: start)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text) else { throw failure("invalid number") }
        return .double(value)
    }

    private mutating func skipDigits() {
        while let byte = current, byte >= 0x30, byte <= 0x39 { position += 1 }
    }

    private mutating func readString() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Most strings (names, paths, command lines) have no escape: made from the input directly.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = position - start > 15 && recentStrings != nil
                    ? recentStrings!.string(UnsafeBufferPointer(rebasing: bytes[start..<position]))
                    : self.text(from: start)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            position += 1
        }
        return try readEscapedString(from: start)
    }

    /// The rest of a string that has an escape (or is invalid), from its first byte at `start`.
    private mutating func readEscapedString(from start: Int) throws(JSONParseError) -> String {
        unescaped.removeAll(keepingCapacity: true)
        var runStart = start
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            if byte == UInt8(ascii: "\"") {
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                position += 1
                return String(decoding: unescaped, as: UTF8.self)
            }
            if byte < 0x20 { throw failure("control character in string") }
            if byte != UInt8(ascii: "\\") { position += 1; continue }
            unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
            position += 1
            guard let escape = current else { throw failure("unterminated escape") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""): unescaped.append(0x22)
            case UInt8(ascii: "\\"): unescaped.append(0x5C)
            case UInt8(ascii: "/"): unescaped.append(0x2F)
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = Unicode.Scalar(try readUnicodeEscape()) ?? "\u{FFFD}"
                UTF8.encode(scalar) { unescaped.append($0) }
            default: throw failure("invalid escape")
            }
            runStart = position
        }
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw failure("invalid \\u escape")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    /// A \uXXXX escape, joining surrogate pairs; a lone surrogate becomes U+FFFD.
    private mutating func readUnicodeEscape() throws(JSONParseError) -> UInt32 {
        let first = try readHex4()
        guard (0xD800...0xDBFF).contains(first) else {
            return (0xDC00...0xDFFF).contains(first) ? 0xFFFD : first
        }
        let saved = position
        if bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
            position += 2
            let second = try readHex4()
            if (0xDC00...0xDFFF).contains(second) {
                return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
        }
        position = saved
        return 0xFFFD
    }
}
