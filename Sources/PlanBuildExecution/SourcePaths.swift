import PlanBuildSupport

/// Makes the file of an issue easy to open from the project: absolute paths inside the project
/// become project-relative, and a test class path a log gives without its module
/// (`com/example/ATest.java`) is looked up in the usual source roots of the project's modules.
/// A tool that ran in a folder of its own (an npm workspace's `tsc` prints `src/index.ts`) gives
/// paths relative to that folder: they are looked up there first (`packages/api/src/index.ts`).
struct SourcePaths {
    private let projectDir: String
    private let prefix: String
    /// Project-relative folders the build ran in, tried in order for a relative path.
    private let buildFolders: [String]
    private var moduleDirectories: [String]?
    private var cache: [String: String?] = [:]
    /// The build ran on another machine (remote execution): an absolute path outside the
    /// project is that machine's copy of it, found by the longest tail that names a file here.
    private let foreignRoots: Bool
    /// The other machine's folder, once a path showed it; its other paths map at once.
    private var foreignPrefix: String?

    static let sourceRoots = ["src/test/java", "src/test/kotlin", "src/main/java", "src/main/kotlin"]

    init(projectDir: String, buildFolders: [String] = [], foreignRoots: Bool = false) {
        self.foreignRoots = foreignRoots
        self.projectDir = projectDir
        self.prefix = projectDir.hasSuffix("/") ? projectDir : projectDir + "/"
        self.buildFolders = buildFolders.filter { !$0.isEmpty && $0 != "." }
    }

    /// The folders a build ran in: its working directory, and the folder of the module its
    /// arguments route to (`--workspace=api` → `api/` or `*/api/`, e.g. `packages/api`).
    static func buildFolders(projectDir: String, workingDirectory: String?, module: String?) -> [String] {
        var folders: [String] = []
        if let workingDirectory { folders.append(workingDirectory) }
        if let module, !module.hasPrefix("/"), !module.contains("..") {
            if FileSystem.isDirectory(FileSystem.join(projectDir, module)) {
                folders.append(module)
            } else if !module.contains("/") {
                for parent in subdirectories(of: projectDir).prefix(200)
                where FileSystem.isDirectory(FileSystem.join(projectDir, "\(parent)/\(module)")) {
                    folders.append("\(parent)/\(module)")
                    break
                }
            }
        }
        return folders
    }

    mutating func display(_ file: String?) -> String? {
        guard let file, !file.isEmpty else { return file }
        if file.hasPrefix(prefix) { return String(file.dropFirst(prefix.count)) }
        if file.hasPrefix("/") { return foreignRoots ? foreign(file) ?? file : file }
        for folder in buildFolders where FileSystem.isRegularFile(FileSystem.join(projectDir, "\(folder)/\(file)")) {
            return "\(folder)/\(file)"
        }
        if FileSystem.exists(FileSystem.join(projectDir, file)) { return file }
        if let known = cache[file] { return known ?? file }
        let found = locate(file)
        if cache.count < 1000 { cache[file] = found }
        return found ?? file
    }

    /// `file` (absolute, from another machine) as a project-relative path, or nil.
    private mutating func foreign(_ file: String) -> String? {
        if let foreignPrefix, file.hasPrefix(foreignPrefix) { return String(file.dropFirst(foreignPrefix.count)) }
        let parts = file.split(separator: "/")
        guard foreignPrefix == nil, parts.count > 1 else { return nil }
        // The other machine's folder is a few levels deep: its first components are not tried as a tail.
        for start in 1..<min(parts.count, 64) {
            let tail = parts[start...].joined(separator: "/")
            if FileSystem.isRegularFile(FileSystem.join(projectDir, tail)) {
                foreignPrefix = "/" + parts[..<start].joined(separator: "/") + "/"
                return tail
            }
        }
        return nil
    }

    private mutating func locate(_ relative: String) -> String? {
        if moduleDirectories == nil { moduleDirectories = [""] + Self.subdirectories(of: projectDir).prefix(500) }
        for module in moduleDirectories ?? [] {
            for root in Self.sourceRoots {
                let candidate = module.isEmpty ? "\(root)/\(relative)" : "\(module)/\(root)/\(relative)"
                if FileSystem.isRegularFile(FileSystem.join(projectDir, candidate)) { return candidate }
            }
        }
        return nil
    }

    private static func subdirectories(of directory: String) -> [String] {
        FileSystem.listDirectory(directory).filter { !$0.hasPrefix(".") && $0 != "node_modules" && $0 != "target" && $0 != "build" }
            .filter { FileSystem.isDirectory(FileSystem.join(directory, $0)) }
            .sorted()
    }
}
