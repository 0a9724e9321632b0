import PlanBuildSupport
import PlanBuildModel

/// The project-wide inputs every module depends on (BuildInputs.globalPaths: root descriptors,
/// lock files, wrappers, `incremental.global_inputs`), for deciding what a change affects: a
/// change to one of them affects every module, as it misses every module's cache.
public struct ProjectWideInputs: Sendable {
    public let paths: [String]

    public init(layout: ProjectLayout) {
        let settings = IncrementalSettings.load(layout)
        paths = BuildInputs.globalPaths(settings: settings, projectDirectory: layout.projectDir)
    }

    /// Whether `path` (relative to the project) is one of them or lies in one of their folders.
    public func contains(_ path: String) -> Bool {
        paths.contains { path == $0 || path.hasPrefix($0 + "/") }
    }
}
