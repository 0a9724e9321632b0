import PlanBuildSupport

/// Accepted-warning patterns: `^…` is a case-insensitive regular expression anchored at the start
/// of the message, anything else a case-insensitive substring; with `wildcards`, a plain pattern
/// holding `*` or `?` matches the whole message as a wildcard.
public struct WarningPatterns {
    private enum Matcher {
        case substring(String)
        case expression(Regex<AnyRegexOutput>)
    }

    private let matchers: [Matcher]
    public let patterns: [String]
    /// Patterns that were skipped because they are not valid regular expressions.
    public let invalidPatterns: [String]

    public init(_ patterns: [String], wildcards: Bool = false) {
        var matchers: [Matcher] = []
        var invalid: [String] = []
        for pattern in patterns where !pattern.isEmpty {
            if wildcards, !pattern.hasPrefix("^"), pattern.contains(where: { $0 == "*" || $0 == "?" }),
               let regex = try? Regex(Self.wildcardExpression(pattern)).ignoresCase() {
                matchers.append(.expression(regex))
            } else if pattern.hasPrefix("^") {
                if let regex = try? Regex(pattern).ignoresCase() {
                    matchers.append(.expression(regex))
                } else {
                    invalid.append(pattern)
                }
            } else {
                matchers.append(.substring(pattern.lowercased()))
            }
        }
        self.matchers = matchers
        self.patterns = patterns
        self.invalidPatterns = invalid
    }

    /// `com.example.*` → `^com\.example\..*$`: every other character literal.
    static func wildcardExpression(_ pattern: String) -> String {
        var expression = "^"
        for character in pattern {
            switch character {
            case "*": expression += ".*"
            case "?": expression += "."
            case _ where "\\^$.|+()[]{}".contains(character): expression += "\\" + String(character)
            default: expression.append(character)
            }
        }
        return expression + "$"
    }

    public func accepts(_ message: String) -> Bool {
        var lowered: String?
        for matcher in matchers {
            switch matcher {
            case .substring(let needle):
                if lowered == nil { lowered = message.lowercased() }
                if lowered!.contains(needle) { return true }
            case .expression(let regex):
                if (try? regex.prefixMatch(in: message)) != nil { return true }
            }
        }
        return false
    }

    /// `acceptable_warnings` as a list of patterns or an object of category → list of patterns.
    public static func flatten(_ value: JSONValue?) -> [String] {
        switch value {
        case .array(let list)?:
            return list.compactMap(\.stringValue)
        case .object(let categories)?:
            return categories.flatMap { $0.value.arrayValue?.compactMap(\.stringValue) ?? ($0.value.stringValue.map { [$0] } ?? []) }
        case .string(let single)?:
            return [single]
        default:
            return []
        }
    }
}
