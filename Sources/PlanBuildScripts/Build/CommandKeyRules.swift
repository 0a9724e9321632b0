import PlanBuildSupport
import PlanBuildModel

/// The key a build's timeout is learned under, by generation. The contract's key names the goals
/// and the module (`maven:verify@core`, CommandArguments.commandKey); today's release keys the
/// words themselves: `{tool}:{suffix}` with every word joined by `_` and `-` written `_`
/// (`maven:verify__pl_core`), except Gradle, which keys its first task with `:` written `_`
/// (`:core:build test` → `gradle:core_build`). An empty command is `default`.
public enum CommandKeyRules {
    public static func key(system: BuildSystem, words: [String], generation: ScriptGeneration) -> String {
        switch generation {
        case .spec: return CommandArguments(system: system, words: words).commandKey
        case .today: return "\(system.rawValue):\(todaySuffix(system: system, words: words))"
        }
    }

    public static func todaySuffix(system: BuildSystem, words: [String]) -> String {
        let suffix: String
        if system == .gradle {
            let task = words.first { !$0.hasPrefix("-") } ?? ""
            suffix = String(task.drop { $0 == ":" }).replacingOccurrences(of: ":", with: "_")
        } else {
            suffix = words.joined(separator: "_")
        }
        let cleaned = suffix.replacingOccurrences(of: "-", with: "_")
        return cleaned.isEmpty ? "default" : cleaned
    }
}
