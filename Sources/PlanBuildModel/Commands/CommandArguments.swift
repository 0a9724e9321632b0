import PlanBuildSupport

/// What the arguments of one build say about it: its goals, the module it is routed to,
/// the keys under which its timeout is learned, and the log scope.
public struct CommandArguments: Equatable, Sendable {
    public let system: BuildSystem
    public let words: [String]
    /// Non-option words with `-` turned into `_` (Gradle task paths reduced to the task name).
    public let goals: [String]
    public let module: String?

    public init(system: BuildSystem, words: [String]) {
        self.system = system
        self.words = words
        var goals: [String] = []
        var module: String?
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word == "--" { break } // everything after belongs to the script being run
            if word.hasPrefix("-") {
                // `--projects=core`, and the module options in their short spelling too (`-pl=core`);
                // other single-dash words with `=` are properties (`-Dskip=true`), not values.
                if let equals = word.firstIndex(of: "="), word.hasPrefix("--") || system.moduleOptions.contains(String(word[..<equals])) {
                    let name = String(word[..<equals])
                    if system.moduleOptions.contains(name) { module = module ?? String(word[word.index(after: equals)...]) }
                } else if system.optionsWithValue.contains(word), index < words.count {
                    if system.moduleOptions.contains(word) { module = module ?? words[index] }
                    index += 1
                }
                continue
            }
            if system == .gradle, word.hasPrefix(":") {
                // `:core:test` runs task `test` of project `core`.
                let parts = word.split(separator: ":")
                if parts.count >= 2 { module = module ?? parts.dropLast().joined(separator: ":") }
                if let task = parts.last { goals.append(Self.normalize(String(task))) }
                continue
            }
            goals.append(Self.normalize(word))
        }
        self.goals = goals
        self.module = module.flatMap { $0.isEmpty ? nil : $0 }
    }

    public init(system: BuildSystem, commandArgs: String) throws(ShellWords.SplitError) {
        self.init(system: system, words: try ShellWords.split(commandArgs))
    }

    private static func normalize(_ word: String) -> String {
        String(word.map { $0 == "-" ? "_" : $0 })
    }

    /// `{system}:{goals}` plus `@{module}` when routed (`maven:verify@core`).
    public var commandKey: String {
        let base = "\(system.rawValue):\(goals.joined(separator: "_"))"
        guard let module else { return base }
        return "\(base)@\(module)"
    }

    /// The key earlier versions learned under: the first goal only (`maven:clean`).
    public var legacyCommandKey: String? {
        guard let first = goals.first else { return nil }
        let key = "\(system.rawValue):\(first)"
        return key == commandKey ? nil : key
    }

    /// The log folder below build-output: the routed module, or `default`.
    public var logScope: String { LogFiles.sanitizedScope(module) }

    /// `npx` for the tools of BuildSystem.npxTools, `npm` otherwise; nil for other systems.
    public var npmCommandType: String? {
        guard system == .npm else { return nil }
        guard let first = words.first else { return "npm" }
        return BuildSystem.npxTools.contains(first.lowercased()) ? "npx" : "npm"
    }
}
