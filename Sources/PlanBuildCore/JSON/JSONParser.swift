/// Why a JSON text could not be read; `offset` is the byte where reading stopped.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public let offset: Int
    public var description: String { "\(reason) at byte \(offset)" }
}

/// A strict RFC 8259 reader over bytes. It never traps: nesting is capped so hostile input
/// cannot exhaust the stack, and invalid UTF-8 inside strings is repaired, not fatal.
public struct JSONParser {
    public static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    /// Whether to record every value's text as written (JSONSource), for files PlanBuild rewrites.
    private let keepsSource: Bool

    private init(bytes: UnsafeBufferPointer<UInt8>, keepsSource: Bool = false) {
        self.bytes = bytes
        self.keepsSource = keepsSource
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

    private static func parse(bytes: UnsafeBufferPointer<UInt8>, keepingSource: Bool) throws(JSONParseError) -> (value: JSONValue, source: JSONSource) {
        var parser = JSONParser(bytes: bytes, keepsSource: keepingSource)
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
        var object = JSONObject()
        var members: [String: (key: String, source: JSONSource)] = [:]
        defer { if keepsSource { source = .object(members) } }
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; depth -= 1; return .object(object) }
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
            object[key] = try readValue(&member)
            if keepsSource { members[key] = (keyText, member) }
            skipWhitespace()
            guard let separator = current else { throw failure("unexpected end of input") }
            position += 1
            if separator == UInt8(ascii: "}") { break }
            guard separator == UInt8(ascii: ",") else { position -= 1; throw failure("expected ',' or '}'") }
        }
        depth -= 1
        return .object(object)
    }

    private mutating func readArray(_ source: inout JSONSource) throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        var sources: [JSONSource] = []
        defer { if keepsSource { source = .array(sources) } }
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; depth -= 1; return .array(elements) }
        while true {
            skipWhitespace()
            var element = JSONSource.none
            elements.append(try readValue(&element))
            if keepsSource { sources.append(element) }
            skipWhitespace()
            guard let separator = current else { throw failure("unexpected end of input") }
            position += 1
            if separator == UInt8(ascii: "]") { break }
            guard separator == UInt8(ascii: ",") else { position -= 1; throw failure("expected ',' or ']'") }
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func readNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, first >= 0x30, first <= 0x39 else { throw failure("invalid number") }
        if first == 0x30 { position += 1 } else { skipDigits() }
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
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text) else { throw failure("invalid number") }
        return .double(value)
    }

    private mutating func skipDigits() {
        while let byte = current, byte >= 0x30, byte <= 0x39 { position += 1 }
    }

    private mutating func readString() throws(JSONParseError) -> String {
        position += 1
        var scalars: [UInt8] = []
        var runStart = position
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            if byte == UInt8(ascii: "\"") {
                scalars.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                position += 1
                return String(decoding: scalars, as: UTF8.self)
            }
            if byte < 0x20 { throw failure("control character in string") }
            if byte != UInt8(ascii: "\\") { position += 1; continue }
            scalars.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
            position += 1
            guard let escape = current else { throw failure("unterminated escape") }
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append(0x22)
            case UInt8(ascii: "\\"): scalars.append(0x5C)
            case UInt8(ascii: "/"): scalars.append(0x2F)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"): appendUTF8(of: try readUnicodeEscape(), to: &scalars)
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

    private func appendUTF8(of scalar: UInt32, to output: inout [UInt8]) {
        let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        output.append(contentsOf: String(Character(value)).utf8)
    }
}
