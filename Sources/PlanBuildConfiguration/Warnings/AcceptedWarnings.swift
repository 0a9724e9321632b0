import PlanBuildSupport
import PlanBuildModel

/// Where the accepted-warning patterns of a request come from, and what applying them leaves.
public enum AcceptedWarnings {
    public struct Filtered {
        public let warnings: [Issue]
        public let patterns: WarningPatterns
    }

    /// The project's patterns for `system`: run-configuration.json → system → acceptable_warnings.
    public static func configured(system: String, layout: ProjectLayout) throws(PlanBuildError) -> [String] {
        try RunConfiguration(layout: layout).acceptableWarnings(system: system)
    }

    /// Applies `mode` with the given `patterns`; without them the project's patterns of `system`;
    /// with neither, no warning is accepted.
    public static func filter(_ warnings: [Issue], mode: WarningMode, patterns given: [String]?,
                              system: String?, layout: ProjectLayout) throws(PlanBuildError) -> Filtered {
        var patterns = given ?? []
        if given == nil, let system { patterns = try configured(system: system, layout: layout) }
        let matcher = WarningPatterns(patterns)
        return Filtered(warnings: WarningMode.filter(warnings, patterns: matcher, mode: mode), patterns: matcher)
    }
}
