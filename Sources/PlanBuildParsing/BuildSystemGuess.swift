import PlanBuildSupport

/// Which parser a log needs when the caller does not say (`planbuild parse LOG`): each system's
/// unmistakable lines (Maven's `[INFO]` prefix and reactor lines, Gradle's tasks and `BUILD
/// SUCCESSFUL in`, npm's and yarn's script headers and error blocks, pytest's session lines, mypy's and
/// ruff's closing lines) weigh much, file names by their extension a little. A log read with the
/// wrong parser reports nonsense (a Maven log read as npm is a success), so a log without a clear
/// winner is no guess at all.
public enum BuildSystemGuess {
    /// The lines looked at: the markers are in a log's first screens.
    static let maximumLines = 5000

    /// The parser's name (ParserRegistry.names), or nil when the log does not tell.
    public static func guess(logFile path: String) throws(PlanBuildError) -> String? {
        var score = Score()
        struct Enough: Error {}
        do {
            try LogReader.forEachLine(ofFile: path) { line in
                score.add(String(decoding: UnsafeBufferPointer(rebasing: line.prefix(512)), as: UTF8.self))
                if score.lines >= maximumLines { throw Enough() }
            }
        } catch let error as PlanBuildError {
            throw error
        } catch is Enough {
        } catch {
            throw PlanBuildError(.unreadable, "\(error)")
        }
        return score.winner
    }

    struct Score {
        private(set) var lines = 0
        private var points: [String: Int] = [:]

        var winner: String? {
            let ranked = points.sorted { $0.value > $1.value }
            guard let best = ranked.first, best.value > 0 else { return nil }
            if ranked.count > 1 && ranked[1].value == best.value { return nil }
            return best.key
        }

        mutating func add(_ raw: String) {
            lines += 1
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            func weigh(_ system: String, _ amount: Int) { points[system, default: 0] += amount }
            if line.hasPrefix("[INFO]") || line.hasPrefix("[ERROR]") || line.hasPrefix("[WARNING]") { weigh("maven", 2) }
            if line.contains("Scanning for projects") || line.contains("Reactor Summary")
                || (line.hasPrefix("[INFO] BUILD ") && !line.contains(" in ")) { weigh("maven", 20) }
            if line.hasPrefix("> Task :") || line.hasPrefix("> Configure project") { weigh("gradle", 5) }
            if line.hasPrefix("BUILD SUCCESSFUL in") || line.hasPrefix("BUILD FAILED in")
                || line.hasPrefix("FAILURE: Build failed") || line.hasPrefix("* What went wrong:") { weigh("gradle", 20) }
            if Self.isNpmScriptHeader(line) || line.hasPrefix("npm ERR!") || line.hasPrefix("npm error")
                || line.hasPrefix("npm warn") || line.hasPrefix("yarn ") || line.hasPrefix("TAP version")
                // yarn classic's own lines, which may be all a failed `yarn --silent run` prints.
                || line.hasPrefix("error Command ") || line.hasPrefix("warning package.json:")
                || line.contains("yarnpkg.com/") { weigh("npm", 20) }
            if line.contains("error TS") || line.hasPrefix("PASS ") || line.hasPrefix("FAIL ") || line.hasPrefix("# pass")
                || line.hasPrefix("# fail") || line.hasPrefix("ℹ tests") || line.hasPrefix("✔") || line.hasPrefix("✖") { weigh("npm", 3) }
            if line.contains("test session starts") || line.contains("short test summary info")
                || line.hasPrefix("All checks passed") || line.hasPrefix("Success: no issues found")
                || line.contains("(checked ") || Self.isPytestTotals(line) { weigh("python", 20) }
            switch Self.namedFileExtension(line) {
            case "java"?, "kt"?: weigh("gradle", 2); weigh("maven", 1)
            case "py"?: weigh("python", 2)
            case "ts"?, "tsx"?, "js"?, "jsx"?, "mjs"?, "cjs"?: weigh("npm", 2)
            default: break
            }
        }

        /// `> name@1.0.0 test`: the line npm prints before a package script.
        static func isNpmScriptHeader(_ line: Substring) -> Bool {
            guard line.hasPrefix("> ") else { return false }
            let words = line.dropFirst(2).split(separator: " ", maxSplits: 2)
            return words.count >= 2 && words[0].dropFirst().contains("@")
        }

        /// pytest's closing line: `3 passed in 0.73s`, `=== 1 failed, 2 passed in 1.2s ===`.
        static func isPytestTotals(_ line: Substring) -> Bool {
            let text = line.drop(while: { $0 == "=" || $0 == " " })
            let digits = text.prefix(while: \.isNumber)
            guard !digits.isEmpty else { return false }
            let rest = text.dropFirst(digits.count)
            return (rest.hasPrefix(" passed") || rest.hasPrefix(" failed") || rest.hasPrefix(" error")) && rest.contains(" in ")
        }

        /// The extension of the first source file the line names (`src/a.py:3`, `A.java:[12,5]`, `a.ts(3,5)`).
        static func namedFileExtension(_ line: Substring) -> String? {
            var index = line.startIndex
            while let dot = line[index...].firstIndex(of: ".") {
                let after = line.index(after: dot)
                let name = line[after...].prefix(while: { $0.isLetter })
                let end = line.index(after, offsetBy: name.count)
                if !name.isEmpty, dot > line.startIndex, end < line.endIndex, ":([".contains(line[end]) {
                    return String(name)
                }
                index = after
            }
            return nil
        }
    }
}
