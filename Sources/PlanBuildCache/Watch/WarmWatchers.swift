import Synchronization
import PlanBuildSupport
import PlanBuildModel

/// The file watchers a long-lived process keeps, one per project, so that each run through the
/// cache starts from a warm list of files instead of a scan. Off unless the process turns it on:
/// the build server does (it builds the same projects again and again), and so does `planbuild
/// watch`; a short-lived caller would only pay for the watches.
public enum WarmWatchers {
    private static let state = Mutex<(enabled: Bool, limits: FolderWatchLimits, watchers: [String: ProjectWatcher], recent: [String])>(
        (false, FolderWatchLimits(), [:], []))
    /// Projects watched at once; the one used least recently is dropped for a new one (its
    /// watches are given back: a user's inotify watches are limited machine-wide).
    static let maximumProjects = 16

    /// From now on, every run through the cache in this process keeps a watcher of its project.
    public static func enable(limits: FolderWatchLimits = FolderWatchLimits()) {
        state.withLock { $0.enabled = true; $0.limits = limits }
    }

    /// The process's watcher of `projectDirectory` (made, with its first full scan, when there is
    /// none or the modules' output folders changed); nil when watchers are off.
    public static func watcher(projectDirectory: String, outputFolders: [String]) -> ProjectWatcher? {
        let key = FileSystem.absolute(projectDirectory)
        let (enabled, limits, existing) = state.withLock { state in
            state.recent.removeAll { $0 == key }
            state.recent.append(key)
            return (state.enabled, state.limits, state.watchers[key])
        }
        guard enabled else { return nil }
        if let existing, existing.outputFolders == outputFolders { return existing }
        let made = ProjectWatcher(projectDirectory: projectDirectory, outputFolders: outputFolders, limits: limits)
        return state.withLock { state in
            // Another run may have made one meanwhile: the first stays.
            if let other = state.watchers[key], other.outputFolders == outputFolders { return other }
            state.watchers[key] = made
            while state.watchers.count > maximumProjects, let oldest = state.recent.first(where: { state.watchers[$0] != nil && $0 != key }) {
                state.watchers[oldest] = nil
                state.recent.removeAll { $0 == oldest }
            }
            return made
        }
    }

    /// The watcher of the project of `layout`, with the output folders its modules give; nil
    /// when watchers are off.
    public static func watcher(layout: ProjectLayout, architecture: ProjectArchitecture) -> ProjectWatcher? {
        watcher(projectDirectory: layout.projectDir,
                outputFolders: BuildInputs.outputFolders(of: architecture.modules, planDirName: layout.planDirName))
    }
}
