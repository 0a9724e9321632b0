import PlanBuildSupport
import PlanBuildModel
import PlanBuildParsing

/// The test tools' own reports of a build, one test case per test: Maven's Surefire and
/// Failsafe `target/{surefire,failsafe}-reports/TEST-*.xml`, Gradle's
/// `build/test-results/TASK/*.xml`, pytest's `--junitxml FILE` and node's
/// `--test-reporter-destination FILE` when the build's arguments ask for them. Only files written
/// since the build started count (a report a previous run left is not this run's), merged in file
/// order for the module the build ran; nil when there is none.
enum TestReports {
    static let maximumFiles = 2_000

    static func cases(system: BuildSystem, words: [String], projectDir: String, folders: [String],
                      workingDirectory: String, since: Int) -> [TestCaseResult]? {
        var files: [String] = []
        switch system {
        case .maven:
            for folder in moduleFolders(projectDir: projectDir, folders: folders, marker: "pom.xml") {
                for reports in ["target/surefire-reports", "target/failsafe-reports"] {
                    files += xmlFiles(in: FileSystem.join(folder, reports), prefix: "TEST-")
                }
            }
        case .gradle:
            for folder in moduleFolders(projectDir: projectDir, folders: folders, marker: "build.gradle", "build.gradle.kts") {
                let results = FileSystem.join(folder, "build/test-results")
                for task in FileSystem.listDirectory(results).sorted() where !task.hasPrefix(".") {
                    files += xmlFiles(in: FileSystem.join(results, task), prefix: "")
                }
            }
        case .python:
            files += named(words, options: ["--junitxml", "--junit-xml"], in: workingDirectory)
        case .npm:
            files += named(words, options: ["--test-reporter-destination"], in: workingDirectory)
        }
        var cases: [TestCaseResult] = []
        for file in files.prefix(maximumFiles) where written(file, since: since) {
            guard let bytes = try? FileSystem.readFile(file) else { continue }
            cases += JUnitReportReader.cases(in: bytes).prefix(JUnitReportReader.maximumCases - cases.count)
            if cases.count >= JUnitReportReader.maximumCases { break }
        }
        return cases.isEmpty ? nil : cases
    }

    /// The module folders a build ran in; a build of the whole project (no module named) reads the
    /// root and every folder below it that holds a build file (`marker`), two levels down.
    private static func moduleFolders(projectDir: String, folders: [String], marker: String...) -> [String] {
        if !folders.isEmpty { return folders.map { FileSystem.join(projectDir, $0) } }
        var found = [projectDir]
        var level = [projectDir]
        for _ in 0..<2 {
            var next: [String] = []
            for folder in level {
                for name in FileSystem.listDirectory(folder).sorted().prefix(500)
                where !name.hasPrefix(".") && !["target", "build", "node_modules", "src"].contains(name) {
                    let path = FileSystem.join(folder, name)
                    guard FileSystem.isDirectory(path) else { continue }
                    if marker.contains(where: { FileSystem.isRegularFile(FileSystem.join(path, $0)) }) { found.append(path) }
                    next.append(path)
                }
            }
            level = next
        }
        return found
    }

    private static func xmlFiles(in folder: String, prefix: String) -> [String] {
        FileSystem.listDirectory(folder).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".xml") }.sorted()
            .map { FileSystem.join(folder, $0) }
    }

    /// The files `--option FILE` / `--option=FILE` name, relative to where the tool ran.
    private static func named(_ words: [String], options: [String], in directory: String) -> [String] {
        var files: [String] = []
        for (index, word) in words.enumerated() {
            for option in options {
                var value: String?
                if word == option, index + 1 < words.count { value = words[index + 1] }
                if word.hasPrefix(option + "=") { value = String(word.dropFirst(option.count + 1)) }
                if let value, !value.isEmpty, value != "stdout", value != "stderr" {
                    files.append(value.hasPrefix("/") ? value : FileSystem.join(directory, value))
                }
            }
        }
        return files
    }

    /// A regular file last written at or after `since` (seconds since the epoch; a second's slack
    /// for file systems that keep whole seconds).
    private static func written(_ path: String, since: Int) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return Int(info.st_mtim.tv_sec) >= since - 1
    }
}
