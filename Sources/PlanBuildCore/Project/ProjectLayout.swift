/// Where PlanBuild's files live inside a project (SPEC section 4). The caller names the project
/// directory and the plan folder's name; the library reads no environment of its own for these.
public struct ProjectLayout: Sendable, Equatable {
    public let projectDir: String
    public let planDirName: String

    /// Without a project directory the current one; without a plan folder name `.plan`.
    public init(projectDir: String? = nil, planDirName: String? = nil) {
        let directory = projectDir ?? "."
        self.projectDir = directory.isEmpty ? "." : directory
        let name = planDirName ?? ".plan"
        self.planDirName = name.isEmpty ? ".plan" : name
    }

    public var planDir: String { FileSystem.join(projectDir, planDirName) }
    public var derivedDataPath: String { FileSystem.join(planDir, "project-architecture/derived-data.json") }
    public var runConfigurationPath: String { FileSystem.join(planDir, "run-configuration.json") }
    public var buildOutputDir: String { FileSystem.join(planDir, "temp/build-output") }
    /// The plan folder relative to the project, as logs and messages name it.
    public var relativeBuildOutputDir: String { "\(planDirName)/temp/build-output" }
}
