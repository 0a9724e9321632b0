/// Writes JSON the way Python's `json.dumps` does, so that a shim's output is byte-identical to
/// the Python implementation it replaces: `indent` nil gives `{"a": 1, "b": [1, 2]}`, an indent
/// gives one member per line; non-ASCII is escaped as \uXXXX (Python's ensure_ascii default).
public enum JSONWriter {
    public static func write(_ value: JSONValue, indent: Int? = nil) -> String {
        write(value, indent: indent, keeping: .none)
    }

    /// Like `write(_:indent:)`, but every number, string and key that is still what `source`
    /// recorded at its place is written as it stood in the file (numbers as written, escapes as
    /// written), so a rewrite changes only what the writer changed.
    public static func write(_ value: JSONValue, indent: Int?, keeping source: JSONSource) -> String {
        // Written as bytes and made a String once (writeCompact says why).
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        append(value, to: &output, indent: indent.map { max(0, $0) }, level: 0, source: source)
        return String(decoding: output, as: UTF8.self)
    }

    /// Compact form without spaces, for machine-to-machine replies over the C ABI and the build
    /// server's socket. Written as bytes and made a String once: appending to a String piece by
    /// piece costs several times more, and a server's reply carries a whole report.
    public static func writeCompact(_ value: JSONValue) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        appendCompact(value, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func append(_ value: JSONValue, to output: inout [UInt8], indent: Int?, level: Int, source: JSONSource) {
        switch value {
        case .array(let elements):
            if elements.isEmpty { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                separator(first: index == 0, indent: indent, level: level + 1, to: &output)
                append(element, to: &output, indent: indent, level: level + 1, source: source.element(index))
            }
            closing(indent: indent, level: level, to: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            for (index, entry) in object.entries.enumerated() {
                separator(first: index == 0, indent: indent, level: level + 1, to: &output)
                let member = source.member(entry.key)
                if let member { output.append(contentsOf: member.key.utf8) } else { appendString(entry.key, to: &output) }
                output.append(contentsOf: ": ".utf8)
                append(entry.value, to: &output, indent: indent, level: level + 1, source: member?.source ?? .none)
            }
            closing(indent: indent, level: level, to: &output)
            output.append(UInt8(ascii: "}"))
        default:
            if let text = source.text(of: value) { output.append(contentsOf: text.utf8) } else { appendScalar(value, to: &output) }
        }
    }

    private static func separator(first: Bool, indent: Int?, level: Int, to output: inout [UInt8]) {
        guard let indent else {
            if !first { output.append(contentsOf: ", ".utf8) }
            return
        }
        if !first { output.append(UInt8(ascii: ",")) }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private static func closing(indent: Int?, level: Int, to output: inout [UInt8]) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private static func appendCompact(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendCompact(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, entry) in object.entries.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendString(entry.key, to: &output)
                output.append(UInt8(ascii: ":"))
                appendCompact(entry.value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        default:
            appendScalar(value, to: &output)
        }
    }

    private static func appendScalar(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        // Python prints 2.0, not 2; Swift's description already does that. JSON has no NaN or infinity.
        case .double(let number): output.append(contentsOf: (number.isFinite ? number.description : "null").utf8)
        case .string(let text): appendString(text, to: &output)
        case .array, .object: break
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `text` as a JSON string, quotes included.
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if needsEscape(text) { appendEscaped(text, to: &output) } else { output.append(contentsOf: text.utf8) }
        output.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ text: String) -> Bool {
        !text.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x5C }
    }

    /// The characters of `text` as a JSON string holds them (without the quotes).
    private static func appendEscaped(_ text: String, to escaped: inout [UInt8]) {
        // ASCII text (a rendered report: quotes and line breaks) byte by byte; the scalars are
        // only decoded for text with other characters, which are written \uXXXX.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return appendEscapedScalars(text, to: &escaped) }
        for byte in text.utf8 {
            if byte >= 0x20, byte != 0x22, byte != 0x5C, byte != 0x7F {
                escaped.append(byte)
            } else {
                appendEscape(of: Unicode.Scalar(byte), to: &escaped)
            }
        }
    }

    private static func appendEscapedScalars(_ text: String, to escaped: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value >= 0x20, value <= 0x7E, value != 0x22, value != 0x5C {
                escaped.append(UInt8(value))
            } else {
                appendEscape(of: scalar, to: &escaped)
            }
        }
    }

    /// A character a JSON string cannot hold as it is: `\"`, `\\`, `\n`, … or `\uXXXX`.
    private static func appendEscape(of scalar: Unicode.Scalar, to escaped: inout [UInt8]) {
        escaped.append(0x5C)
        switch scalar.value {
        case 0x22: escaped.append(0x22)
        case 0x5C: escaped.append(0x5C)
        case 0x0A: escaped.append(UInt8(ascii: "n"))
        case 0x0D: escaped.append(UInt8(ascii: "r"))
        case 0x09: escaped.append(UInt8(ascii: "t"))
        case 0x08: escaped.append(UInt8(ascii: "b"))
        case 0x0C: escaped.append(UInt8(ascii: "f"))
        default:
            // \uXXXX for each UTF-16 unit: a pair of surrogates above U+FFFF, as Python writes.
            for (index, unit) in scalar.utf16.enumerated() {
                if index > 0 { escaped.append(0x5C) }
                escaped.append(UInt8(ascii: "u"))
                for shift in stride(from: 12, through: 0, by: -4) {
                    escaped.append(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
                }
            }
        }
    }
}
