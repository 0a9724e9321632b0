import PlanBuildSupport
import PlanBuildModel
import PlanBuildCache

/// Which modules a set of changed files affects: each file belongs to the module whose folder
/// holds it (the innermost, when modules nest; the root module takes what no other holds), a
/// project-wide input (root descriptor, lock file, wrapper, `incremental.global_inputs`) affects
/// every module, a file in no module affects none; then everything that depends on an affected
/// module, transitively, is affected too. Used by `--affected` (files from git) and by watch
/// mode (files from the file watcher).
public struct AffectedModules: Sendable {
    public let architecture: ProjectArchitecture
    public let projectWide: ProjectWideInputs

    public init(architecture: ProjectArchitecture, layout: ProjectLayout) {
        self.architecture = architecture
        self.projectWide = ProjectWideInputs(layout: layout)
    }

    /// The affected modules' names for `paths` (relative to the project).
    public func modules(changed paths: [String]) -> Set<String> {
        var affected: Set<String> = []
        let folders = architecture.modules.map { module in
            (name: module.name, folder: ProjectRelativePath.normalise(module.path))
        }
        for path in paths {
            if projectWide.contains(path) { return Set(architecture.modules.map(\.name)) }
            var best: (name: String, length: Int)?
            for module in folders {
                guard let folder = module.folder else { continue }
                let holds = folder.isEmpty || path == folder || path.hasPrefix(folder + "/")
                if holds, folder.count >= (best?.length ?? -1) { best = (module.name, folder.count) }
            }
            if let best { affected.insert(best.name) }
        }
        return withDependents(affected)
    }

    /// `modules` and every module that depends on one of them, directly or not.
    public func withDependents(_ modules: Set<String>) -> Set<String> {
        var result = modules
        var changed = true
        while changed {
            changed = false
            for module in architecture.modules where !result.contains(module.name) {
                if module.dependencies.contains(where: result.contains) {
                    result.insert(module.name)
                    changed = true
                }
            }
        }
        return result
    }
}
