import PlanBuildSupport

/// The one wording of a name the project does not know — a module, a command — wherever it is
/// typed (`--module`, `--force`, `--command`, `cache clear|explain --module`, resolve, the ABI):
/// the closest known name when one is near enough, then every name the project does know.
public enum UnknownName {
    public static func module(_ name: String, known: [String]) -> PlanBuildError {
        PlanBuildError(.unknownModule, "Module '\(shown(name))' not found.\(suggestion(name, known)) Available modules: \(list(known))")
    }

    /// A command that `module` lacks, or that no module has (`module` nil): for a run that is
    /// `no_builds` (nothing to run), for resolve `unknown_command`.
    public static func command(_ name: String, known: [String], module: String? = nil,
                               code: PlanBuildError.Code = .unknownCommand) -> PlanBuildError {
        let place = module.map { "for module '\(shown($0))'" } ?? "in any module"
        return PlanBuildError(code, "Command '\(shown(name))' not found \(place).\(suggestion(name, known)) Available commands: \(list(known))")
    }

    /// A caller's value as echoed in a message: never more than 200 characters of it.
    static func shown(_ value: String) -> String {
        value.count <= 200 ? value : String(value.prefix(200)) + "…"
    }

    private static func list(_ names: [String]) -> String { names.isEmpty ? "(none)" : names.joined(separator: ", ") }

    private static func suggestion(_ wanted: String, _ known: [String]) -> String {
        guard let best = NameSuggestion.closest(to: wanted, among: known) else { return "" }
        return " Did you mean '\(best)'?"
    }
}

extension ProjectArchitecture {
    /// The module named `name`, or the unknown-module error.
    public func requireModule(_ name: String) throws(PlanBuildError) -> Module {
        guard let found = module(named: name) else { throw UnknownName.module(name, known: modules.map(\.name)) }
        return found
    }

    /// Every command name of the project, each once, in the modules' order.
    public var commandNames: [String] {
        var seen = Set<String>()
        return modules.flatMap { $0.commands.map(\.name) }.filter { seen.insert($0).inserted }
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
