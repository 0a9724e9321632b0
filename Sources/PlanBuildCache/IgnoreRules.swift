import PlanBuildSupport

/// Which files are never build inputs: the output folders of the project's modules where those
/// modules put them (BuildInputs.outputFolders: Maven's `target/` at a Maven module's root, not a
/// source package named `target` deep under `src/`), PlanBuild's own `.plan/` state (learned
/// timeouts change after every run and must not invalidate a build), tool caches that appear at
/// any depth (`.git/`, Python's), and the patterns of the project's `.gitignore` files.
///
/// `.gitignore` support covers what projects write in practice: comments, blank lines, `!`
/// negation, a trailing `/` for folders only, a leading or inner `/` anchoring the pattern to the
/// file's folder, `*`, `?`, `[…]` and `**` (fnmatch; `**` also crosses `/`). A pattern applies
/// only below the folder of the `.gitignore` that holds it, and a later rule wins, as in git. It
/// is read from the files, so it works without a git binary.
struct IgnoreRules {
    /// Folders no tool keeps sources in, excluded wherever they are: git's own folder and the
    /// caches Python tools write beside the sources while building and testing.
    static let toolCacheFolderNames: Set<String> = [".git", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"]

    private struct Rule {
        /// NUL-terminated, for fnmatch.
        let pattern: [CChar]
        let negated: Bool
        let folderOnly: Bool
        /// Matched against the path relative to `base` instead of the name alone.
        let anchored: Bool
        /// The folder of the .gitignore that holds the rule, relative to the project ("" at the
        /// root), with a trailing `/` unless empty: the prefix of every path the rule applies to.
        let basePrefix: [CChar]
        /// `**` crosses `/`, so such a pattern is matched without FNM_PATHNAME.
        let flags: Int32

        init(pattern: String, negated: Bool, folderOnly: Bool, anchored: Bool, base: String) {
            self.pattern = Array(pattern.utf8CString)
            self.negated = negated
            self.folderOnly = folderOnly
            self.anchored = anchored
            self.basePrefix = base.isEmpty ? [] : (base + "/").utf8.map { CChar(bitPattern: $0) }
            self.flags = pattern.contains("**") ? 0 : FNM_PATHNAME
        }
    }

    private var rules: [Rule] = []
    /// Paths (relative to the project) of the folders that are never inputs where they are.
    private let outputFolders: Set<[UInt8]>
    /// Their last components, NUL-terminated: a folder whose name is none of them (nearly every
    /// folder) is decided by comparing names, without making its path an array.
    private let outputFolderNames: [[CChar]]

    /// `outputFolders`: project-relative paths of build output and state folders (BuildInputs.outputFolders).
    init(outputFolders: [String] = []) {
        let paths = outputFolders.compactMap(InputScanner.normalise).filter { !$0.isEmpty }
        self.outputFolders = Set(paths.map { Array($0.utf8) })
        self.outputFolderNames = Set(paths.map { FileSystem.baseName($0) }).sorted().map { Array($0.utf8CString) }
    }

    var isEmpty: Bool { rules.isEmpty }
    /// Whether any rule can exclude a file (not only folders): when none can, a walk skips the
    /// check for every file.
    var mayIgnoreFiles: Bool { rules.contains { !$0.folderOnly } }

    /// Adds the rules of `folder/.gitignore` (folder relative to the project) when that file exists.
    mutating func addGitIgnore(in folder: String, projectDirectory: String) {
        let path = FileSystem.join(projectDirectory, folder.isEmpty ? ".gitignore" : folder + "/.gitignore")
        guard let text = try? FileSystem.readText(path) else { return }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negated = false
            if line.hasPrefix("!") { negated = true; line.removeFirst() }
            // A leading `\` (before a literal `#` or `!`) stays: fnmatch reads it as an escape.
            var folderOnly = false
            if line.hasSuffix("/") { folderOnly = true; line.removeLast() }
            var anchored = line.contains("/")
            if line.hasPrefix("/") { line.removeFirst(); anchored = true }
            if line.hasPrefix("**/") { line.removeFirst(3); anchored = line.contains("/") }
            guard !line.isEmpty else { continue }
            rules.append(Rule(pattern: line, negated: negated, folderOnly: folderOnly, anchored: anchored, base: folder))
        }
    }

    /// Whether `relativePath` (relative to the project; `name` its last component) is ignored.
    func ignores(_ relativePath: String, name: String, isFolder: Bool) -> Bool {
        relativePath.withCString { path in name.withCString { name in ignores(path: path, name: name, isFolder: isFolder) } }
    }

    /// `ignores` on NUL-terminated bytes, as a directory walk has them: no String per file.
    func ignores(path: UnsafePointer<CChar>, name: UnsafePointer<CChar>, isFolder: Bool) -> Bool {
        if isFolder && excludes(path: path, name: name) { return true }
        var ignored = false
        for rule in rules {
            if rule.folderOnly && !isFolder { continue }
            if ignored != rule.negated { continue } // only a rule that could change the answer
            // A rule of a nested .gitignore applies below its folder only, anchored or not.
            if !rule.basePrefix.isEmpty, strncmp(path, rule.basePrefix, rule.basePrefix.count) != 0 { continue }
            let subject = rule.anchored ? path + rule.basePrefix.count : name
            if fnmatch(rule.pattern, subject, rule.flags) == 0 { ignored = !rule.negated }
        }
        return ignored
    }

    /// Whether `path` (`name` its last component) is an output or tool folder, whatever the
    /// .gitignore files say; a symbolic link there is not followed either.
    func excludes(path: UnsafePointer<CChar>, name: UnsafePointer<CChar>) -> Bool {
        if Self.toolCacheFolderBytes.contains(where: { strcmp($0, name) == 0 }) { return true }
        guard outputFolderNames.contains(where: { strcmp($0, name) == 0 }) else { return false }
        return outputFolders.contains(Array(UnsafeRawBufferPointer(start: path, count: strlen(path))))
    }

    /// Whether `relativePath` is an output or tool folder or lies inside one.
    func excludesFolderOrAncestor(of relativePath: String) -> Bool {
        var prefix = ""
        for part in relativePath.split(separator: "/") {
            prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
            if Self.toolCacheFolderNames.contains(String(part)) || outputFolders.contains(Array(prefix.utf8)) { return true }
        }
        return false
    }

    private static let toolCacheFolderBytes: [[CChar]] = toolCacheFolderNames.sorted().map { Array($0.utf8CString) }
}
