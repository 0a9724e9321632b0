import PlanBuildSupport

/// A canonical command resolved for one module: the complete command line to run.
public struct ResolvedCommand: Equatable, Sendable {
    public let module: String
    public let command: String
    public let executable: String
}

/// Resolve: `(command, module?)` → the module's complete command line.
public enum CommandResolver {
    public static func resolve(command: String, module: String?, in layout: ProjectLayout) throws(PlanBuildError) -> ResolvedCommand {
        try resolve(command: command, module: module, in: try ProjectArchitecture.load(layout))
    }

    public static func resolve(command: String, module requested: String?, in architecture: ProjectArchitecture) throws(PlanBuildError) -> ResolvedCommand {
        let module = try self.module(requested, in: architecture)
        guard let line = module.commandLine(for: command) else {
            let known = module.commands.map(\.name)
            throw PlanBuildError(.unknownCommand,
                               "Command '\(shown(command))' not found for module '\(module.name)'. Available commands: \(list(known))\(suggestion(command, known))")
        }
        return ResolvedCommand(module: module.name, command: command, executable: line)
    }

    /// The module named `requested`; without a name the root module (`paths.module` "." or empty, else the first).
    public static func module(_ requested: String?, in architecture: ProjectArchitecture) throws(PlanBuildError) -> ProjectArchitecture.Module {
        if let requested, !requested.isEmpty {
            guard let found = architecture.module(named: requested) else {
                let known = architecture.modules.map(\.name)
                throw PlanBuildError(.unknownModule,
                                   "Module '\(shown(requested))' not found. Available modules: \(list(known))\(suggestion(requested, known))")
            }
            return found
        } else {
            guard let root = architecture.rootModule else {
                throw PlanBuildError(.unknownModule, "The project has no modules in derived-data.json")
            }
            return root
        }
    }

    /// A caller's value as echoed in a message: never more than 200 characters of it.
    static func shown(_ value: String) -> String {
        value.count <= 200 ? value : String(value.prefix(200)) + "…"
    }

    private static func list(_ names: [String]) -> String { names.isEmpty ? "(none)" : names.joined(separator: ", ") }

    private static func suggestion(_ wanted: String, _ known: [String]) -> String {
        guard let best = NameSuggestion.closest(to: wanted, among: known) else { return "" }
        return ". Did you mean '\(best)'?"
    }
}

/// The known name closest to a mistyped one, by edit distance, when it is close enough to help.
public enum NameSuggestion {
    public static func closest(to wanted: String, among known: [String], limit: Int = 1) -> String? {
        ranked(wanted, among: known).first
    }

    public static func ranked(_ wanted: String, among known: [String], maximumCount: Int = 3) -> [String] {
        // Names are short; a value far longer than any of them is no typo worth a suggestion.
        guard wanted.utf8.count <= 256 else { return [] }
        let target = Array(wanted.lowercased().utf8.prefix(256))
        let scored = known.map { name -> (String, Int) in (name, distance(target, Array(name.lowercased().utf8.prefix(256)))) }
        let threshold = max(2, target.count / 3)
        return scored.filter { $0.1 <= threshold || $0.0.lowercased().contains(wanted.lowercased()) }
            .sorted { $0.1 < $1.1 }
            .prefix(maximumCount)
            .map(\.0)
    }

    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
