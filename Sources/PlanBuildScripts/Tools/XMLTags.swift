import PlanBuildSupport

/// The element tags of an XML document, in order, with their attributes and nesting depth: all
/// that coverage reports (JaCoCo, Cobertura) need. Hand-written because the only XML parsers for
/// Swift on Linux are Foundation's, which the core does not link (it would cost every shim start);
/// the reports are regular and come from files, so this reader is strict about bounds and lenient
/// about everything else: text, comments, processing instructions and DOCTYPEs are skipped.
struct XMLTags {
    struct Tag {
        let name: String
        let attributes: [String: String]
        /// 0 for the root element.
        let depth: Int
    }

    /// Start tags (self-closing ones included) in document order.
    static func startTags(_ text: String) -> [Tag] {
        let bytes = Array(text.utf8)
        var tags: [Tag] = []
        var depth = 0
        var index = 0
        while let open = next(UInt8(ascii: "<"), in: bytes, from: index) {
            guard open + 1 < bytes.count else { break }
            switch bytes[open + 1] {
            case UInt8(ascii: "?"):
                index = end(of: "?>", in: bytes, from: open)
            case UInt8(ascii: "!"):
                let comment = open + 3 < bytes.count && bytes[open + 2] == UInt8(ascii: "-") && bytes[open + 3] == UInt8(ascii: "-")
                index = end(of: comment ? "-->" : ">", in: bytes, from: open)
            case UInt8(ascii: "/"):
                depth = max(0, depth - 1)
                index = end(of: ">", in: bytes, from: open)
            default:
                let close = closing(bytes, from: open + 1)
                let body = Array(bytes[(open + 1)..<min(close, bytes.count)])
                let selfClosing = body.last == UInt8(ascii: "/")
                let (name, attributes) = parse(selfClosing ? Array(body.dropLast()) : body)
                tags.append(Tag(name: name, attributes: attributes, depth: depth))
                if !selfClosing { depth += 1 }
                index = close + 1
            }
        }
        return tags
    }

    private static func next(_ byte: UInt8, in bytes: [UInt8], from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// The offset after `marker` at or after `from`, or the end of the text.
    private static func end(of marker: String, in bytes: [UInt8], from: Int) -> Int {
        let needle = Array(marker.utf8)
        var index = from
        while index + needle.count <= bytes.count {
            if Array(bytes[index..<(index + needle.count)]) == needle { return index + needle.count }
            index += 1
        }
        return bytes.count
    }

    /// The `>` that ends a start tag, skipping quoted attribute values.
    private static func closing(_ bytes: [UInt8], from: Int) -> Int {
        var quote: UInt8?
        var index = from
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        return bytes.count
    }

    private static func parse(_ body: [UInt8]) -> (String, [String: String]) {
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while index < body.count, !isSpace(body[index]) { index += 1 }
        let name = String(decoding: body[0..<index], as: UTF8.self)
        var attributes: [String: String] = [:]
        while index < body.count {
            while index < body.count, isSpace(body[index]) { index += 1 }
            let keyStart = index
            while index < body.count, body[index] != UInt8(ascii: "="), !isSpace(body[index]) { index += 1 }
            let key = String(decoding: body[keyStart..<index], as: UTF8.self)
            while index < body.count, isSpace(body[index]) || body[index] == UInt8(ascii: "=") { index += 1 }
            guard index < body.count, body[index] == UInt8(ascii: "\"") || body[index] == UInt8(ascii: "'") else {
                if key.isEmpty { break }
                continue
            }
            let quote = body[index]
            let valueStart = index + 1
            index = valueStart
            while index < body.count, body[index] != quote { index += 1 }
            if !key.isEmpty { attributes[key] = unescaped(String(decoding: body[valueStart..<min(index, body.count)], as: UTF8.self)) }
            index += 1
        }
        return (name, attributes)
    }

    /// The five predefined entities and numeric character references.
    static func unescaped(_ value: String) -> String {
        guard value.contains("&") else { return value }
        var output = ""
        var rest = Substring(value)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                output += rest[amp...]
                return output
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": output += "&"
            case "lt": output += "<"
            case "gt": output += ">"
            case "quot": output += "\""
            case "apos": output += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { output.unicodeScalars.append(scalar) } else { output += rest[amp...semi] }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return output + rest
    }
}
