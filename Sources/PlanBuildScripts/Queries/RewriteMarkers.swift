import PlanBuildSupport
import PlanBuildModel

/// OpenRewrite leaves `/*~~(TODO: message)>*/` in sources where a recipe wants a person to decide.
/// The build scripts' `search-markers` lists them, sorted into those a comment may suppress and
/// those to ask the user about, as the reference's maven and gradle scripts print them.
public enum RewriteMarkers {
    static let opening = Array("/*~~(TODO:".unicodeScalars)
    /// `)>*/`, or OpenRewrite's own `)~~>*/`.
    static let closing = Array(">*/".unicodeScalars)

    /// Recipes whose markers may be suppressed with `// cui-rewrite:disable RECIPE`.
    static let suppressible: [(recipe: String, category: String, reason: String)] = [
        ("CuiLogRecordPatternRecipe", "logrecord", "LogRecord warning - can be auto-suppressed for debug/trace logging"),
        ("InvalidExceptionUsageRecipe", "exception", "Exception handling pattern - can be auto-suppressed for framework patterns"),
    ]

    /// Folders of build output and tool state, at any depth: their copies of sources are not the sources.
    static let skippedFolders = BuildSystem.anyOutputFolder

    /// The files searched when the caller names no extensions: Java, and Kotlin for Gradle.
    public static func defaultExtensions(system: String?) -> [String] {
        system == "gradle" ? [".java", ".kt"] : [".java"]
    }

    /// Every marker in one line of text, with 1-based columns counted in Unicode scalars.
    static func markers(in line: String) -> [(column: Int, message: String, raw: String)] {
        let scalars = Array(line.unicodeScalars)
        var found: [(Int, String, String)] = []
        var index = 0
        while let start = find(opening, in: scalars, from: index) {
            let body = start + opening.count
            // The message is at least one character (it may be blank) and ends at the first `)>*/`
            // or `)~~>*/`.
            var close = body
            var end = body
            while let next = find(closing, in: scalars, from: close + 1) {
                close = next
                end = close
                if end - 2 > body, scalars[end - 1] == "~", scalars[end - 2] == "~" { end -= 2 }
                if end - 1 > body, scalars[end - 1] == ")" { break }
            }
            guard end - 1 > body, scalars[end - 1] == ")" else {
                index = start + 1
                continue
            }
            end -= 1
            let message = String(String.UnicodeScalarView(scalars[body..<end])).strippedOfWhitespace()
            let raw = String(String.UnicodeScalarView(scalars[start..<(close + closing.count)]))
            found.append((start + 1, message, raw))
            index = close + closing.count
        }
        return found
    }

    private static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var position = from
        while position + needle.count <= haystack.count {
            if haystack[position] == needle[0] && haystack[position..<(position + needle.count)].elementsEqual(needle) {
                return position
            }
            position += 1
        }
        return nil
    }

    /// The recipe a marker names: a suppressible recipe mentioned anywhere in it, else its leading
    /// `…Recipe`/`…Pattern` word, else its first word (trailing " -:" removed).
    static func recipe(of message: String) -> String {
        let lowered = message.lowercased()
        if let known = suppressible.first(where: { lowered.contains($0.recipe.lowercased()) }) { return known.recipe }
        let word = Array(message.unicodeScalars.prefix { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" })
        // Like the pattern \w+(Recipe|Pattern): the longest leading part of the word that ends so.
        for end in stride(from: word.count, to: 0, by: -1) {
            let head = String(String.UnicodeScalarView(word[0..<end]))
            if (head.hasSuffix("Recipe") && end > 6) || (head.hasSuffix("Pattern") && end > 7) { return head }
        }
        guard let first = message.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first else { return "UnknownRecipe" }
        var trimmed = Substring(first)
        while let last = trimmed.last, last == " " || last == "-" || last == ":" { trimmed.removeLast() }
        return String(trimmed)
    }

    /// The `search-markers` answer: `{"status":"success","data":{…}}`, exit code 1 while any marker
    /// needs the user, or `{"status":"error","error":"source_not_found",…}` (exit 1).
    /// `sourceDir` is reported as given, so relative folders give relative file paths.
    public static func search(sourceDir: String, extensions: [String]) -> ScriptAnswer {
        guard FileSystem.exists(sourceDir) else {
            return ScriptAnswer(JSONObject([("status", "error"), ("error", "source_not_found"),
                                            ("message", .string("Source directory not found: \(sourceDir)"))]), exitCode: 1)
        }
        let suffixes = extensions.map { $0.strippedOfWhitespace() }.map { $0.hasPrefix(".") ? $0 : "." + $0 }
        let prefix = displayPrefix(sourceDir)
        let files = FileSystem.isDirectory(sourceDir)
            ? FileTree.files(under: sourceDir, skipping: skippedFolders).filter { path in suffixes.contains { path.hasSuffix($0) } }
            : []
        var all: [JSONValue] = [], suppress: [JSONValue] = [], ask: [JSONValue] = []
        var affected = 0
        var summary: [(String, Int)] = []
        for relative in files {
            guard let bytes = try? FileSystem.readFile(FileSystem.join(sourceDir, relative)),
                  let text = String(validating: bytes, as: UTF8.self) else { continue }
            let file = prefix + relative
            var inFile = false
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for found in markers(in: String(line)) {
                    let recipe = recipe(of: found.message)
                    var entry: [(String, JSONValue)] = [
                        ("file", .string(file)), ("line", .int(number + 1)), ("column", .int(found.column)),
                        ("message", .string(found.message)), ("recipe", .string(recipe)), ("raw_marker", .string(found.raw)),
                    ]
                    let known = suppressible.first { $0.recipe == recipe }
                    if let known {
                        entry += [("action", "auto_suppress"), ("suppression_comment", .string("// cui-rewrite:disable \(recipe)")),
                                  ("category", .string(known.category)), ("reason", .string(known.reason))]
                    } else {
                        entry += [("action", "ask_user"), ("category", "other"), ("reason", "Unknown recipe - requires user decision")]
                    }
                    let value = JSONValue.object(JSONObject(entry))
                    all.append(value)
                    if known != nil { suppress.append(value) } else { ask.append(value) }
                    if let index = summary.firstIndex(where: { $0.0 == recipe }) { summary[index].1 += 1 } else { summary.append((recipe, 1)) }
                    inFile = true
                }
            }
            if inFile { affected += 1 }
        }
        let data = JSONObject([
            ("total_markers", .int(all.count)), ("files_affected", .int(affected)),
            ("recipe_summary", .object(JSONObject(summary.map { ($0.0, .int($0.1)) }))),
            ("by_category", .object(JSONObject([("auto_suppress", .array(suppress)), ("ask_user", .array(ask))]))),
            ("auto_suppress_count", .int(suppress.count)), ("ask_user_count", .int(ask.count)), ("markers", .array(all)),
        ])
        return ScriptAnswer(JSONObject([("status", "success"), ("data", .object(data))]), exitCode: ask.isEmpty ? 0 : 1)
    }

    /// The folder as Python's Path prints it, followed by "/": "./src/" → "src/", "." → "".
    static func displayPrefix(_ folder: String) -> String {
        var parts = folder.split(separator: "/").filter { $0 != "." }.map(String.init)
        if folder.hasPrefix("/") { return "/" + parts.joined(separator: "/") + (parts.isEmpty ? "" : "/") }
        if parts.isEmpty { return "" }
        parts.append("")
        return parts.joined(separator: "/")
    }
}

extension String {
    /// Without leading and trailing white space, as Python's str.strip() gives it.
    func strippedOfWhitespace() -> String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
