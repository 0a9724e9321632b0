import PlanBuildSupport

/// Where PlanBuild's files live inside a project. The caller names the project
/// directory and the plan folder's name; the library reads no environment of its own for these.
public struct ProjectLayout: Sendable, Equatable {
    public let projectDir: String
    public let planDirName: String
    /// Where plan state lives when it is apart from the project (today's plan-marshall release:
    /// its PLAN_BASE_DIR, `.plan/local` by default): run-configuration.json, plans/, temp/, logs/.
    public var stateDir: String?
    /// The plan a build is attributed to: its logs go to `{stateDir}/plans/{planId}/build-results/`.
    public var planId: String?

    /// Without a project directory the current one; without a plan folder name `.plan`.
    public init(projectDir: String? = nil, planDirName: String? = nil) {
        let directory = projectDir ?? "."
        self.projectDir = directory.isEmpty ? "." : directory
        let name = planDirName ?? ".plan"
        self.planDirName = name.isEmpty ? ".plan" : name
    }

    /// The one rule for which project a caller means, shared by the CLI and the Python shims:
    /// a directory typed on a command line (`--project-dir`) wins; else the environment's
    /// PLAN_BASE_DIR (passed in by the caller: the library reads no environment for this); else
    /// the directory a program passed (the Python API's `project_dir`); else the current one.
    /// Empty values count as absent. A caller that passes `searchFrom` (the CLI: its working
    /// directory) and names no project gets the nearest folder at or above it that holds the plan
    /// folder, as git finds its repository from a subfolder.
    public static func chosen(option: String?, baseDir: String?, given: String?, planDirName: String?,
                              searchFrom: String? = nil) -> ProjectLayout {
        func nonEmpty(_ value: String?) -> String? { value?.isEmpty == false ? value : nil }
        let named = nonEmpty(option) ?? nonEmpty(baseDir) ?? nonEmpty(given)
        let found = named == nil ? searchFrom.flatMap { enclosingProject(of: $0, planDirName: planDirName) } : nil
        return ProjectLayout(projectDir: named ?? found, planDirName: planDirName)
    }

    /// The nearest folder at or above `directory` that holds a plan folder (`.plan/`): the
    /// directory itself as given when it holds one, else the ancestor's absolute path; nil when
    /// no folder up to the root holds one.
    public static func enclosingProject(of directory: String, planDirName: String? = nil) -> String? {
        let name = ProjectLayout(planDirName: planDirName).planDirName
        if FileSystem.isDirectory(FileSystem.join(directory, name)) { return directory }
        var current = FileSystem.realPath(directory) ?? FileSystem.absolute(directory)
        while current != "/" && !current.isEmpty {
            current = FileSystem.directoryName(current)
            if FileSystem.isDirectory(FileSystem.join(current, name)) { return current }
        }
        return nil
    }

    /// A project is named, never made: a mistyped directory is an error before anything is
    /// written into it or run there.
    public func checkExists() throws(PlanBuildError) {
        guard FileSystem.isDirectory(projectDir) else {
            let problem = FileSystem.exists(projectDir) ? "is not a directory" : "does not exist"
            throw PlanBuildError(.notFound, "project directory '\(projectDir)' \(problem)")
        }
    }

    public var planDir: String { FileSystem.join(projectDir, planDirName) }
    public var derivedDataPath: String { FileSystem.join(planDir, "project-architecture/derived-data.json") }
    /// The module index of the per-module architecture layout (read when derived-data.json is absent).
    public var projectMetaPath: String { FileSystem.join(planDir, "project-architecture/_project.json") }
    public var runConfigurationPath: String { FileSystem.join(stateDir ?? planDir, "run-configuration.json") }
    public var buildOutputDir: String {
        if let stateDir, let planId { return FileSystem.join(stateDir, "plans/\(planId)/build-results") }
        return FileSystem.join(planDir, "temp/build-output")
    }
    /// The plan folder relative to the project, as logs and messages name it.
    public var relativeBuildOutputDir: String { "\(planDirName)/temp/build-output" }
}
