import PlanBuildSupport
import PlanBuildModel

/// The files a successful build of a module is declared to leave, by the local configuration
/// alone: its build systems' `declaredArtifacts` (Maven's `target/*.jar|war|ear|pom`, Gradle's
/// `build/libs/*`) and npm's package.json `main` and `files`, each below the module's own folder. The local cache lists what of them exists
/// after a build (`BuildInputs.artifacts`); the remote cache restores nothing else.
///
/// Each pattern is a folder relative to the project and one name pattern inside it (fnmatch(3));
/// a restored file must be named exactly as `folder/name` with a name that matches: no other
/// folder (above, below or beside), no other module's folder.
package struct DeclaredOutputs: Equatable, Sendable {
    package struct Pattern: Equatable, Sendable {
        /// Relative to the project, without glob characters for a pattern a remote record may name.
        package let folder: String
        /// One path component: a glob (`*.jar`) or a literal file name (npm's `main`).
        package let name: String

        package init(folder: String, name: String) {
            self.folder = folder
            self.name = name
        }

        /// A literal name: the build is expected to leave exactly this file.
        package var isExact: Bool { !name.contains(where: { "*?[".contains($0) }) }
        /// The pattern as glob(3) expands it below the project.
        package var glob: String { folder.isEmpty ? name : folder + "/" + name }
        package var restorable: Bool { !folder.contains(where: { "*?[".contains($0) }) }

        package func matches(_ file: String) -> Bool {
            fnmatch(name, file, FNM_PERIOD) == 0
        }
    }

    package let patterns: [Pattern]

    package init(patterns: [Pattern]) { self.patterns = patterns }

    package static func of(_ module: ProjectArchitecture.Module, projectDirectory: String) -> DeclaredOutputs {
        // A module folder that is not below the project declares nothing the cache may touch.
        guard let base = InputScanner.normalise(module.path) else { return DeclaredOutputs(patterns: []) }
        func below(_ path: String) -> String { base.isEmpty ? path : path.isEmpty ? base : base + "/" + path }
        var patterns: [Pattern] = []
        func add(_ relative: String) {
            guard let path = InputScanner.normalise(relative), !path.isEmpty else { return }
            let full = below(path)
            let slash = full.lastIndex(of: "/")
            let folder = slash.map { String(full[..<$0]) } ?? ""
            let name = slash.map { String(full[full.index(after: $0)...]) } ?? full
            let pattern = Pattern(folder: folder, name: name)
            if !patterns.contains(pattern) { patterns.append(pattern) }
        }
        let systems = Set(module.buildSystems.compactMap { BuildSystem(name: $0) })
        for system in BuildSystem.allCases where systems.contains(system) {
            for pattern in system.declaredArtifacts { add(pattern) }
        }
        if systems.contains(.npm),
           let bytes = try? FileSystem.readFile(FileSystem.join(projectDirectory, below("package.json"))),
           let package = try? JSONParser.parse(bytes: bytes) {
            if let main = package["main"]?.stringValue { add(main) }
            for entry in package["files"]?.arrayValue ?? [] {
                if let text = entry.stringValue { add(text) }
            }
        }
        return DeclaredOutputs(patterns: patterns)
    }

    /// The pattern a project-relative file path belongs to, or nil: the path must be
    /// `folder/name` of a restorable pattern, with `name` one plain component it matches.
    package func pattern(of path: String) -> Pattern? {
        guard let parts = DirectoryHandle.components(path), parts.joined(separator: "/") == path else { return nil }
        let name = parts[parts.count - 1]
        let folder = parts.dropLast().joined(separator: "/")
        return patterns.first { $0.restorable && $0.folder == folder && $0.matches(name) }
    }

    /// For messages: the patterns as `folder/name`.
    package var description: String {
        patterns.isEmpty ? "none" : patterns.map(\.glob).joined(separator: ", ")
    }
}
