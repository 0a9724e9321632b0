/// Splits a command line into words the way a POSIX shell does (quotes group, backslash escapes),
/// without running a shell: no expansion, no globbing, no command substitution, no redirection.
public enum ShellWords {
    public struct SplitError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func split(_ line: String) throws(SplitError) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var iterator = line.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(word); word = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let inner = iterator.next() {
                    if inner == "'" { closed = true; break }
                    word.unicodeScalars.append(inner)
                }
                if !closed { throw SplitError(message: "unterminated single quote in: \(line)") }
            case "\"":
                inWord = true
                var closed = false
                while let inner = iterator.next() {
                    if inner == "\"" { closed = true; break }
                    if inner == "\\" {
                        guard let escaped = iterator.next() else { break }
                        // Inside double quotes a backslash only escapes these, as in sh.
                        if escaped == "\"" || escaped == "\\" || escaped == "$" || escaped == "`" {
                            word.unicodeScalars.append(escaped)
                        } else if escaped != "\n" {
                            word.unicodeScalars.append(inner)
                            word.unicodeScalars.append(escaped)
                        }
                        continue
                    }
                    word.unicodeScalars.append(inner)
                }
                if !closed { throw SplitError(message: "unterminated double quote in: \(line)") }
            case "\\":
                guard let escaped = iterator.next() else {
                    throw SplitError(message: "trailing backslash in: \(line)")
                }
                if escaped != "\n" { word.unicodeScalars.append(escaped); inWord = true }
            default:
                word.unicodeScalars.append(scalar)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The words joined back so that `split` returns them unchanged (for the `command` field).
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    public static func quote(_ word: String) -> String {
        if word.isEmpty { return "''" }
        let safe = word.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ":", "=", ",", "@", "+", "%": return true
            default: return false
            }
        }
        if safe { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
