import PlanBuildSupport
import PlanBuildModel

/// What one module's build reads, as a machine that has nothing of the project needs it: the
/// module's input files as the cache lists them, the project-wide inputs, the descriptor of every
/// module (a build tool reads the whole project to find one module: Maven's reactor needs each
/// `pom.xml` its root lists) and what the builds of the modules it depends on, transitively, left
/// of their declared outputs. Paths are relative to the project, sorted, each once.
package struct ActionInputs: Sendable {
    package struct File: Equatable, Sendable {
        package let path: String
        /// The SHA-256 and size the cache computed in this run; nil: not hashed yet (descriptors and
        /// artifacts are not inputs of the cache's digest), the reader hashes it.
        package let sha256: String?
        package let size: Int64?
    }

    package let module: String
    /// The module's build systems (what a worker must have to build it).
    package let buildSystems: [BuildSystem]
    package let files: [File]
    /// The files a build of the module is declared to leave: the only ones brought back.
    package let outputs: DeclaredOutputs

    init(module: ProjectArchitecture.Module, moduleManifest: InputManifest, globalManifest: InputManifest,
         modules: [String: ProjectArchitecture.Module], projectDirectory: String) {
        var byPath: [String: File] = [:]
        for entry in globalManifest.entries + moduleManifest.entries {
            // Runtime inputs are command outputs, not files (their names start with a slash).
            guard !entry.path.hasPrefix("/") else { continue }
            byPath[entry.path] = File(path: entry.path, sha256: entry.hash, size: entry.identity.size)
        }
        func addUnhashed(_ path: String) {
            guard let normalised = InputScanner.normalise(path), !normalised.isEmpty, byPath[normalised] == nil else { return }
            byPath[normalised] = File(path: normalised, sha256: nil, size: nil)
        }
        for other in modules.values {
            guard let descriptor = other.raw["paths"]?["descriptor"]?.stringValue,
                  FileSystem.isRegularFile(FileSystem.join(projectDirectory, descriptor)) else { continue }
            addUnhashed(descriptor)
        }
        for name in Self.dependencies(of: module, in: modules) {
            guard let dependency = modules[name] else { continue }
            for artifact in BuildInputs.artifacts(of: dependency, projectDirectory: projectDirectory) {
                guard artifact.path.hasSuffix("/") else { addUnhashed(artifact.path); continue }
                var scanner = InputScanner(projectDirectory: projectDirectory, applyIgnoreRules: false)
                for file in scanner.scan([String(artifact.path.dropLast())]) { addUnhashed(file.path) }
            }
        }
        self.module = module.name
        self.buildSystems = module.buildSystems.compactMap { BuildSystem(name: $0) }
        self.files = byPath.keys.sorted().map { byPath[$0]! }
        self.outputs = DeclaredOutputs.of(module, projectDirectory: projectDirectory)
    }

    package init(module: String, buildSystems: [BuildSystem] = [], files: [File], outputs: DeclaredOutputs) {
        self.module = module
        self.buildSystems = buildSystems
        self.files = files
        self.outputs = outputs
    }

    /// The modules `module` depends on, transitively, each once.
    private static func dependencies(of module: ProjectArchitecture.Module, in modules: [String: ProjectArchitecture.Module]) -> [String] {
        var found: [String] = []
        var queue = module.dependencies
        while let name = queue.popLast() {
            guard name != module.name, !found.contains(name) else { continue }
            found.append(name)
            queue.append(contentsOf: modules[name]?.dependencies ?? [])
        }
        return found.sorted()
    }
}
