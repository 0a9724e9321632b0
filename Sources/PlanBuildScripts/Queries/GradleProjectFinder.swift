import PlanBuildSupport

/// `gradle.py find-project`: which Gradle project a name or a folder means, read from the files
/// of the tree (settings.gradle[.kts], build.gradle[.kts]) without running Gradle. The answers are
/// the reference's: `{"status":"success","data":{project_name, project_path, build_file,
/// parent_projects, gradle_p_argument}}`, or an error (root_not_found, path_not_found,
/// no_build_file, project_not_found, ambiguous_project_name with "choices"), exit code 1.
public enum GradleProjectFinder {
    static let buildFileNames = ["build.gradle.kts", "build.gradle"]

    public static func find(root rootArgument: String, projectName: String?, projectPath: String?) -> ScriptAnswer {
        guard let root = FileSystem.realPath(rootArgument), FileSystem.isDirectory(root) else {
            return failure("root_not_found", "Root directory not found: \(rootArgument)")
        }
        if let projectPath { return byPath(root: root, projectPath) }
        return byName(root: root, projectName ?? "")
    }

    /// An explicit folder ("services/auth" or ":services:auth"): it must exist and hold a build file.
    static func byPath(root: String, _ argument: String) -> ScriptAnswer {
        let folder = argument.hasPrefix(":") ? String(argument.drop { $0 == ":" }).replacingOccurrences(of: ":", with: "/") : argument
        let full = FileSystem.join(root, folder)
        guard FileSystem.exists(full) else { return failure("path_not_found", "Project path does not exist: \(argument)") }
        guard let buildFile = buildFile(in: full, root: root) else {
            return failure("no_build_file", "No build.gradle(.kts) found in: \(argument)")
        }
        let name = full.split(separator: "/").last.map(String.init) ?? ""
        return success(name: name, gradlePath: ":" + folder.replacingOccurrences(of: "/", with: ":"), buildFile: .string(buildFile),
                       parents: parents(folder.split(separator: "/", omittingEmptySubsequences: false).map(String.init)),
                       pArgument: "-p \(folder)")
    }

    /// A project name: the root project (rootProject.name), an included project whose last path
    /// element is the name, or a folder of that name holding a build file. More than one is ambiguous.
    static func byName(root: String, _ name: String) -> ScriptAnswer {
        let text = settingsFile(in: root).flatMap { try? FileSystem.readText($0) } ?? ""
        if let rootName = rootProjectName(text), rootName == name,
           let file = buildFileNames.first(where: { FileSystem.exists(FileSystem.join(root, $0)) }) {
            return success(name: name, gradlePath: ":", buildFile: .string(file), parents: [], pArgument: "")
        }
        var matches: [String] = []
        for project in includedProjects(text) where project.split(separator: ":").last.map(String.init) == name || project == ":" + name {
            if !matches.contains(project) { matches.append(project) }
        }
        for file in buildFiles(under: root) {
            var parts = file.split(separator: "/").map(String.init)
            parts.removeLast()
            let folderName = parts.last ?? root.split(separator: "/").last.map(String.init) ?? ""
            guard folderName == name else { continue }
            let path = ":" + parts.joined(separator: ":")
            if !matches.contains(path) { matches.append(path) }
        }
        guard let match = matches.first else { return failure("project_not_found", "No project found with name '\(name)'") }
        guard matches.count == 1 else {
            var answer = failure("ambiguous_project_name", "Multiple projects found for name '\(name)'. Select one.")
            answer.output["choices"] = .array(matches.map(JSONValue.string))
            return answer
        }
        let folder = String(match.drop { $0 == ":" }).replacingOccurrences(of: ":", with: "/")
        let file = buildFile(in: FileSystem.join(root, folder), root: root).map(JSONValue.string) ?? .null
        return success(name: name, gradlePath: match, buildFile: file,
                       parents: parents(String(match.drop { $0 == ":" }).split(separator: ":", omittingEmptySubsequences: false).map(String.init)),
                       pArgument: folder.isEmpty ? "" : "-p \(folder)")
    }

    /// The settings file of a build's root, Kotlin script first; nil without one.
    public static func settingsFile(in root: String) -> String? {
        ["settings.gradle.kts", "settings.gradle"].map { FileSystem.join(root, $0) }.first(where: FileSystem.exists)
    }

    /// Every build file below `root` (relative paths), outside hidden folders and build output.
    public static func buildFiles(under root: String) -> [String] {
        let ignored: Set<String> = ["build", "target", ".gradle"]
        return FileTree.files(under: root, skipping: ignored).filter { file in
            let parts = file.split(separator: "/").map(String.init)
            guard let last = parts.last, buildFileNames.contains(last) else { return false }
            return !parts.dropLast().contains { $0.hasPrefix(".") || ignored.contains($0) }
        }
    }

    /// `:services:auth` for the folder `root/services/auth`, `:` for the root itself; nil outside it.
    public static func notation(root: String, folder: String) -> String? {
        guard let base = FileSystem.realPath(root), let inner = FileSystem.realPath(folder) else { return nil }
        if inner == base { return ":" }
        guard inner.hasPrefix(base + "/") else { return nil }
        return ":" + String(inner.dropFirst(base.count + 1)).replacingOccurrences(of: "/", with: ":")
    }

    /// `include 'a', ':b:c'` and `include("a")` of a settings file, as ":a", ":b:c" (first seen first).
    public static func includedProjects(_ settings: String) -> [String] {
        var projects: [String] = []
        let quoted = /["']([^"']+)["']/
        let calls = [/include\s*\(\s*([^)]+)\s*\)/, /include\s+(['"][^'"]+['"](?:\s*,\s*['"][^'"]+['"])*)/]
        for call in calls {
            for match in settings.matches(of: call) {
                for item in match.output.1.matches(of: quoted) {
                    let name = String(item.output.1)
                    let project = name.hasPrefix(":") ? name : ":" + name
                    if !projects.contains(project) { projects.append(project) }
                }
            }
        }
        return projects
    }

    public static func rootProjectName(_ settings: String) -> String? {
        settings.firstMatch(of: /rootProject\.name\s*=\s*["']([^"']+)["']/).map { String($0.output.1) }
    }

    /// The folder's build file relative to the root (links resolved), Kotlin script first.
    static func buildFile(in folder: String, root: String) -> String? {
        for name in buildFileNames {
            guard let resolved = FileSystem.realPath(FileSystem.join(folder, name)) else { continue }
            return resolved.hasPrefix(root + "/") ? String(resolved.dropFirst(root.count + 1)) : resolved
        }
        return nil
    }

    /// ":a", ":a:b" for the parts a, b, c of ":a:b:c".
    static func parents(_ parts: [String]) -> [JSONValue] {
        guard parts.count > 1 else { return [] }
        return (1..<parts.count).map { .string(":" + parts[0..<$0].joined(separator: ":")) }
    }

    static func success(name: String, gradlePath: String, buildFile: JSONValue, parents: [JSONValue], pArgument: String) -> ScriptAnswer {
        ScriptAnswer(JSONObject([("status", "success"), ("data", .object(JSONObject([
            ("project_name", .string(name)), ("project_path", .string(gradlePath)), ("build_file", buildFile),
            ("parent_projects", .array(parents)), ("gradle_p_argument", .string(pArgument)),
        ])))]), exitCode: 0)
    }

    static func failure(_ code: String, _ message: String) -> ScriptAnswer {
        ScriptAnswer(JSONObject([("status", "error"), ("error", .string(code)), ("message", .string(message))]), exitCode: 1)
    }
}
