/// Makes the file of an issue easy to open from the project: absolute paths inside the project
/// become project-relative, and a test class path a log gives without its module
/// (`com/example/ATest.java`) is looked up in the usual source roots of the project's modules.
struct SourcePaths {
    private let projectDir: String
    private let prefix: String
    private var moduleDirectories: [String]?
    private var cache: [String: String?] = [:]

    static let sourceRoots = ["src/test/java", "src/test/kotlin", "src/main/java", "src/main/kotlin"]

    init(projectDir: String) {
        self.projectDir = projectDir
        self.prefix = projectDir.hasSuffix("/") ? projectDir : projectDir + "/"
    }

    mutating func display(_ file: String?) -> String? {
        guard let file, !file.isEmpty else { return file }
        if file.hasPrefix(prefix) { return String(file.dropFirst(prefix.count)) }
        if file.hasPrefix("/") || FileSystem.exists(FileSystem.join(projectDir, file)) { return file }
        if let known = cache[file] { return known ?? file }
        let found = locate(file)
        if cache.count < 1000 { cache[file] = found }
        return found ?? file
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
