/// What a build of each system leaves in a module's folder: the one table behind the build cache's
/// inputs (these folders are never a build's inputs, BuildInputs), its artifacts (the files of them
/// a successful build is declared to leave, which a hit needs and the remote cache restores,
/// DeclaredOutputs) and the marker search (RewriteMarkers: copies of sources there are not the
/// sources).
extension BuildSystem {
    /// The folders of the system's output and its own state, relative to the module's folder.
    package var outputFolders: [String] {
        switch self {
        case .maven: return ["target"]
        case .gradle: return ["build", ".gradle"]
        case .npm: return ["dist", "node_modules"]
        case .python: return ["build", "dist"]
        }
    }

    /// The files a successful build is declared to leave, as globs relative to the module's folder,
    /// each inside one of `outputFolders`. npm's are declared by package.json (`main`, `files`).
    package var declaredArtifacts: [String] {
        switch self {
        case .maven: return ["target/*.jar", "target/*.war", "target/*.ear", "target/*.pom"]
        case .gradle: return ["build/libs/*"]
        case .npm, .python: return []
        }
    }

    /// Every system's output folders: for a module that names no system PlanBuild knows.
    package static var anyOutputFolder: Set<String> { Set(allCases.flatMap(\.outputFolders)) }
}
