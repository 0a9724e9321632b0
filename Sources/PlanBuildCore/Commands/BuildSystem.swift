/// The build tools PlanBuild runs, with what differs between them: wrapper, routing options,
/// options that take a separate value (so their value is not mistaken for a goal).
public enum BuildSystem: String, CaseIterable, Sendable {
    case maven, gradle, npm
    /// pyproject projects: pyprojectx (`./pw`, `pw`) or the plain tools (pytest, mypy, ruff).
    case python

    public init?(name: String) { self.init(rawValue: name.lowercased()) }

    /// Options whose value is the next word.
    var optionsWithValue: Set<String> {
        switch self {
        case .maven:
            return ["-pl", "--projects", "-f", "--file", "-s", "--settings", "-gs", "--global-settings",
                    "-t", "--toolchains", "-T", "--threads", "-rf", "--resume-from", "-l", "--log-file",
                    "-P", "--activate-profiles", "-D", "--define", "-b", "--builder", "-emp", "-ep"]
        case .gradle:
            return ["-p", "--project-dir", "-x", "--exclude-task", "-b", "--build-file", "-c", "--settings-file",
                    "-g", "--gradle-user-home", "-I", "--init-script", "-P", "--project-prop", "-D",
                    "--system-prop", "--console", "--max-workers", "--tests", "--warning-mode", "--priority"]
        case .npm:
            return ["-w", "--workspace", "--prefix", "-C", "--loglevel", "--registry", "--cache"]
        case .python:
            // pytest's and mypy's options that take a value; `--rootdir` routes a build to a module.
            return ["-k", "-m", "-p", "-c", "-o", "--rootdir", "--config-file", "--cache-dir", "--python-version",
                    "--output-format", "--select", "--ignore"]
        }
    }

    /// Options that route a build to one module (SPEC section 4, log scope).
    var moduleOptions: Set<String> {
        switch self {
        case .maven: return ["-pl", "--projects"]
        case .gradle: return ["-p", "--project-dir"]
        case .npm: return ["-w", "--workspace", "--prefix"]
        case .python: return ["--rootdir"]
        }
    }

    /// Tools that npm runs through `npx` rather than `npm` (SPEC section 5).
    static let npxTools: Set<String> = ["playwright", "eslint", "prettier", "stylelint", "tsc", "jest", "vitest"]
}

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
                if let equals = word.firstIndex(of: "="), word.hasPrefix("--") {
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

    /// `npx` for the tools SPEC section 5 lists, `npm` otherwise; nil for other systems.
    public var npmCommandType: String? {
        guard system == .npm else { return nil }
        guard let first = words.first else { return "npm" }
        return BuildSystem.npxTools.contains(first) ? "npx" : "npm"
    }
}
