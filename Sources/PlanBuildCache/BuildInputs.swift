import PlanBuildSupport
import PlanBuildModel

/// Which project-relative paths are a build's inputs, and which folders never are.
enum BuildInputs {
    /// Files every module depends on: root descriptors and lock files, Maven's `.mvn/`, the wrappers.
    static let projectWide = ["pom.xml", "settings.gradle", "settings.gradle.kts", "build.gradle", "build.gradle.kts",
                              "gradle.properties", "package.json", "package-lock.json", "npm-shrinkwrap.json",
                              "yarn.lock", "pnpm-lock.yaml", "pyproject.toml", ".mvn", "mvnw", "mvnw.cmd",
                              "gradlew", "gradlew.bat", "gradle/wrapper", "pw"]

    /// The project-wide inputs plus the expansion of `incremental.global_inputs` globs.
    static func globalPaths(settings: IncrementalSettings, projectDirectory: String) -> [String] {
        var paths = projectWide
        for pattern in settings.globalInputs {
            guard let normalised = InputScanner.normalise(pattern), !normalised.isEmpty else { continue }
            paths.append(contentsOf: expand(normalised, in: projectDirectory))
        }
        return paths
    }

    /// A module's `paths.sources`, `paths.tests` and `paths.descriptor`; `paths.module` when none
    /// of them is given.
    static func modulePaths(_ module: ProjectArchitecture.Module) -> [String] {
        let paths = module.raw["paths"]?.objectValue
        var found: [String] = []
        var declared = false
        for key in ["sources", "tests", "descriptor"] {
            guard let value = paths?[key] else { continue }
            declared = true
            if let single = value.stringValue { found.append(single) }
            for entry in value.arrayValue ?? [] { if let text = entry.stringValue { found.append(text) } }
        }
        if !declared { found.append(module.path) }
        return found
    }

    /// The folders that are never inputs, relative to the project: each module's output folders at
    /// its root, by its build systems (BuildSystem.outputFolders; a module that names none known
    /// gets all of them), and the plan folder (`.plan/`, or the one PLAN_DIR_NAME names) at the
    /// project's root. Only at a module's root: a source package named `build` or `target` deep
    /// under `src/` is an input like any other.
    static func outputFolders(of modules: [ProjectArchitecture.Module], planDirName: String) -> [String] {
        var folders: Set<String> = [".plan"]
        if let plan = InputScanner.normalise(planDirName), !plan.isEmpty { folders.insert(plan) }
        for module in modules {
            guard let base = InputScanner.normalise(module.path) else { continue }
            let known = module.buildSystems.compactMap { BuildSystem(name: $0)?.outputFolders }
            for name in known.isEmpty ? BuildSystem.anyOutputFolder : Set(known.joined()) {
                folders.insert(base.isEmpty ? name : base + "/" + name)
            }
        }
        return folders.sorted()
    }

    /// glob(3) relative to the project; only matches inside it.
    static func expand(_ pattern: String, in projectDirectory: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let prefix = projectDirectory.hasSuffix("/") ? projectDirectory : projectDirectory + "/"
        guard glob(prefix + pattern, 0, nil, &result) == 0 else { return [] }
        var matches: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            if path.hasPrefix(prefix) { matches.append(String(path.dropFirst(prefix.count))) }
        }
        return matches
    }

    /// What a successful build left of its declared outputs (DeclaredOutputs), which a cache hit
    /// needs to still be there.
    static func artifacts(of module: ProjectArchitecture.Module, projectDirectory: String) -> [CacheRecord.Artifact] {
        let paths = DeclaredOutputs.of(module, projectDirectory: projectDirectory).patterns
            .flatMap { expand($0.glob, in: projectDirectory) }
        var artifacts: [CacheRecord.Artifact] = []
        var seen: Set<String> = []
        for path in paths.sorted() where seen.insert(path).inserted {
            var info = stat()
            let absolute = FileSystem.join(projectDirectory, path)
            guard stat(absolute, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFREG {
                artifacts.append(CacheRecord.Artifact(path: path, size: Int64(info.st_size)))
            } else if (info.st_mode & S_IFMT) == S_IFDIR {
                var total: Int64 = 0
                var scanner = InputScanner(projectDirectory: projectDirectory, applyIgnoreRules: false)
                for file in scanner.scan([path]) { total += file.identity.size }
                artifacts.append(CacheRecord.Artifact(path: path + "/", size: total))
            }
        }
        return artifacts
    }

    /// The first artifact that is gone or changed size since `record`, or nil when all are there.
    static func missingArtifacts(_ record: CacheRecord, projectDirectory: String) -> [String] {
        var missing: [String] = []
        for artifact in record.artifacts {
            let path = artifact.path.hasSuffix("/") ? String(artifact.path.dropLast()) : artifact.path
            var info = stat()
            let absolute = FileSystem.join(projectDirectory, path)
            guard stat(absolute, &info) == 0 else { missing.append(artifact.path); continue }
            if artifact.path.hasSuffix("/") {
                var scanner = InputScanner(projectDirectory: projectDirectory, applyIgnoreRules: false)
                let total = scanner.scan([path]).reduce(Int64(0)) { $0 + $1.identity.size }
                if total != artifact.size { missing.append(artifact.path) }
            } else if Int64(info.st_size) != artifact.size {
                missing.append(artifact.path)
            }
        }
        return missing
    }
}
