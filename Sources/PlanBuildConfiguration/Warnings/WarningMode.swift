import PlanBuildModel

/// What a result keeps of the warnings the project accepted: nothing of them, all marked, or no
/// warning at all.
public enum WarningMode: String, CaseIterable, Sendable {
    /// Accepted warnings are dropped.
    case actionable
    /// All warnings kept, accepted ones marked.
    case structured
    /// No warnings at all.
    case errors

    public static func filter(_ warnings: [Issue], patterns: WarningPatterns, mode: WarningMode) -> [Issue] {
        switch mode {
        case .errors:
            return []
        case .actionable:
            return warnings.filter { !patterns.accepts($0.message) }
        case .structured:
            return warnings.map { warning in
                var marked = warning
                marked.accepted = patterns.accepts(warning.message)
                return marked
            }
        }
    }
}
