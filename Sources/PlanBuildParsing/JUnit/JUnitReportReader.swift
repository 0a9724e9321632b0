import PlanBuildModel

/// Reads the `testcase` elements of a JUnit XML report, the format Surefire, Failsafe, Gradle,
/// pytest and node's reporter write. A small reader of its own: the XML libraries at hand need
/// Foundation, which libplanbuild.so must not load. It understands what these reports hold —
/// elements, attributes in either quote, the five entities and character references, CDATA,
/// comments, processing instructions and a DOCTYPE (its content skipped, never expanded) — and
/// anything else it cannot make sense of ends the reading with what was read so far. Every
/// report is hostile until read: names and messages are bounded, and so is the number of cases.
public enum JUnitReportReader {
    public static let maximumCases = 100_000
    static let maximumText = 8 << 10

    public static func cases(in bytes: [UInt8]) -> [TestCaseResult] {
        var reader = Reader(bytes: bytes)
        var cases: [TestCaseResult] = []
        var current: TestCaseResult?
        /// Inside a testcase, the child whose text is its detail (failure, error, skipped).
        var textTarget = false
        var text: [UInt8] = []
        while cases.count < maximumCases, let token = reader.next() {
            switch token {
            case .start(let name, let attributes, let selfClosing):
                if name == "testcase" {
                    if let open = current { cases.append(open) }
                    let time = attributes["time"].flatMap(Double.init).map { $0.isFinite && $0 >= 0 && $0 < 1e9 ? Int($0 * 1000) : 0 }
                    current = TestCaseResult(suite: clip(attributes["classname"] ?? attributes["class"] ?? ""),
                                             name: clip(attributes["name"] ?? ""), milliseconds: time, outcome: .passed)
                    if selfClosing, let open = current { cases.append(open); current = nil }
                } else if current != nil, let outcome = outcome(of: name) {
                    // The worst outcome wins (a test both skipped and failed is failed).
                    if rank(outcome) > rank(current!.outcome) {
                        current!.outcome = outcome
                        current!.message = attributes["message"].map(firstLine)
                    }
                    textTarget = !selfClosing
                    text.removeAll(keepingCapacity: true)
                }
            case .text(let bytes):
                if textTarget && text.count < maximumText { text += bytes.prefix(maximumText - text.count) }
            case .end(let name):
                if name == "testcase", let open = current {
                    cases.append(open)
                    current = nil
                } else if textTarget, outcome(of: name) != nil {
                    textTarget = false
                    let detail = String(decoding: text, as: UTF8.self)
                    if current?.detail == nil, !detail.isEmpty { current?.detail = detail }
                    if current?.message == nil { current?.message = firstLine(detail) }
                }
            }
        }
        if let open = current, cases.count < maximumCases { cases.append(open) }
        return cases
    }

    private static func outcome(of element: String) -> TestCaseResult.Outcome? {
        switch element {
        case "failure": return .failed
        case "error": return .error
        case "skipped": return .skipped
        default: return nil
        }
    }

    private static func rank(_ outcome: TestCaseResult.Outcome) -> Int {
        switch outcome {
        case .passed: return 0
        case .skipped: return 1
        case .failed: return 2
        case .error: return 3
        }
    }

    private static func clip(_ text: String) -> String {
        text.utf8.count <= 1024 ? text : String(decoding: text.utf8.prefix(1024), as: UTF8.self)
    }

    private static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return clip(line.trimmingSpaces)
    }

    enum Token {
        case start(String, [String: String], selfClosing: Bool)
        case end(String)
        case text([UInt8])
    }

    /// Tokens of an XML document, one at a time.
    struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func next() -> Token? {
            while index < bytes.count {
                if bytes[index] != UInt8(ascii: "<") {
                    let start = index
                    while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                    return .text(Self.decoded(bytes[start..<index]))
                }
                if has("<![CDATA[") {
                    let start = index + 9
                    guard let end = find("]]>", from: start) else { return nil }
                    index = end + 3
                    return .text(Array(bytes[start..<end]))
                }
                if has("<!--") {
                    guard let end = find("-->", from: index + 4) else { return nil }
                    index = end + 3
                    continue
                }
                if has("<?") {
                    guard let end = find("?>", from: index + 2) else { return nil }
                    index = end + 2
                    continue
                }
                if has("<!") {
                    // A DOCTYPE: skipped whole (with an internal subset in brackets), never expanded.
                    var depth = 0
                    while index < bytes.count {
                        let byte = bytes[index]
                        index += 1
                        if byte == UInt8(ascii: "[") { depth += 1 }
                        if byte == UInt8(ascii: "]") { depth -= 1 }
                        if byte == UInt8(ascii: ">") && depth <= 0 { break }
                    }
                    continue
                }
                return tag()
            }
            return nil
        }

        private mutating func tag() -> Token? {
            index += 1 // "<"
            let closing = index < bytes.count && bytes[index] == UInt8(ascii: "/")
            if closing { index += 1 }
            let name = word()
            guard !name.isEmpty else { return nil }
            if closing {
                guard let end = find(">", from: index) else { return nil }
                index = end + 1
                return .end(name)
            }
            var attributes: [String: String] = [:]
            while index < bytes.count {
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ">") { index += 1; return .start(name, attributes, selfClosing: false) }
                if has("/>") { index += 2; return .start(name, attributes, selfClosing: true) }
                let key = word()
                guard !key.isEmpty else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return nil }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { return nil }
                let quote = bytes[index]
                let start = index + 1
                guard let end = bytes[start...].firstIndex(of: quote) else { return nil }
                if attributes.count < 64 { attributes[key] = String(decoding: Self.decoded(bytes[start..<end]), as: UTF8.self) }
                index = end + 1
            }
            return nil
        }

        private mutating func word() -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
                    || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") { break }
                index += 1
            }
            // `ns:name` is read as `name`.
            let whole = bytes[start..<index]
            let local = whole.lastIndex(of: UInt8(ascii: ":")).map { whole[($0 + 1)...] } ?? whole
            return String(decoding: local.prefix(256), as: UTF8.self)
        }

        private mutating func skipSpace() {
            while index < bytes.count,
                  [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[index]) { index += 1 }
        }

        private func has(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            return text.withUTF8Buffer { pattern in (0..<count).allSatisfy { bytes[index + $0] == pattern[$0] } }
        }

        private func find(_ text: StaticString, from start: Int) -> Int? {
            text.withUTF8Buffer { pattern -> Int? in
                guard pattern.count > 0, start + pattern.count <= bytes.count else { return nil }
                var position = start
                while position + pattern.count <= bytes.count {
                    if bytes[position] == pattern[0] && (1..<pattern.count).allSatisfy({ bytes[position + $0] == pattern[$0] }) {
                        return position
                    }
                    position += 1
                }
                return nil
            }
        }

        /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#N;` / `&#xN;`; anything else stays as written.
        static func decoded(_ slice: ArraySlice<UInt8>) -> [UInt8] {
            guard slice.contains(UInt8(ascii: "&")) else { return Array(slice) }
            var output: [UInt8] = []
            output.reserveCapacity(slice.count)
            var index = slice.startIndex
            while index < slice.endIndex {
                let byte = slice[index]
                guard byte == UInt8(ascii: "&"), let semicolon = slice[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                    output.append(byte)
                    index += 1
                    continue
                }
                let entity = String(decoding: slice[(index + 1)..<semicolon], as: UTF8.self)
                var replacement: [UInt8]?
                switch entity {
                case "lt": replacement = [UInt8(ascii: "<")]
                case "gt": replacement = [UInt8(ascii: ">")]
                case "amp": replacement = [UInt8(ascii: "&")]
                case "quot": replacement = [UInt8(ascii: "\"")]
                case "apos": replacement = [UInt8(ascii: "'")]
                default:
                    if entity.hasPrefix("#") {
                        let digits = entity.dropFirst()
                        let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                        if let value, let scalar = Unicode.Scalar(value) { replacement = Array(String(Character(scalar)).utf8) }
                    }
                }
                if let replacement {
                    output += replacement
                    index = semicolon + 1
                } else {
                    output.append(byte)
                    index += 1
                }
            }
            return output
        }
    }
}

private extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
