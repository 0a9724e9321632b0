/// Small Foundation-free string helpers used across the core.
extension String {
    /// Plain substring replacement (Foundation-free).
    package func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var remainder = self[...]
        while let range = remainder.firstRange(of: target) {
            result += remainder[..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        result += remainder
        return result
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace.
    package var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension String {
    /// The text a C function wrote into `buffer`, up to its first NUL.
    package init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Optional where Wrapped == String {
    /// `body` with the value as a C string, or with NULL when there is none.
    package func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let value = self else { return body(nil) }
        return value.withCString { body($0) }
    }
}
