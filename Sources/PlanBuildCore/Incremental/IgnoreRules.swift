/// Which files are never build inputs: build output and tool folders by name, PlanBuild's own
/// `.plan/` state (learned timeouts change after every run and must not invalidate a build), and
/// the patterns of the project's `.gitignore` files.
///
/// `.gitignore` support covers what projects write in practice: comments, blank lines, `!`
/// negation, a trailing `/` for folders only, a leading or inner `/` anchoring the pattern to the
/// file's folder, `*`, `?`, `[…]` and `**` (fnmatch; `**` also crosses `/`). A later rule wins,
/// as in git. It is read from the files, so it works without a git binary.
struct IgnoreRules {
    static let excludedFolderNames: Set<String> = ["target", "build", "node_modules", "dist", ".gradle", ".git",
                                                    ".plan", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"]

    private struct Rule {
        /// NUL-terminated, for fnmatch.
        let pattern: [CChar]
        let negated: Bool
        let folderOnly: Bool
        /// Matched against the path relative to `base` instead of the name alone.
        let anchored: Bool
        /// The folder of the .gitignore that holds the rule, relative to the project ("" at the
        /// root), with a trailing `/` unless empty: the prefix an anchored rule's subject must have.
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
            if line.hasPrefix("\\") { line.removeFirst() }
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
        if isFolder && Self.isExcludedFolder(name) { return true }
        var ignored = false
        for rule in rules {
            if rule.folderOnly && !isFolder { continue }
            if ignored != rule.negated { continue } // only a rule that could change the answer
            var subject = name
            if rule.anchored {
                subject = path
                if !rule.basePrefix.isEmpty {
                    guard strncmp(path, rule.basePrefix, rule.basePrefix.count) == 0 else { continue }
                    subject = path + rule.basePrefix.count
                }
            }
            if fnmatch(rule.pattern, subject, rule.flags) == 0 { ignored = !rule.negated }
        }
        return ignored
    }

    private static let excludedFolderBytes: [[CChar]] = excludedFolderNames.map { Array($0.utf8CString) }

    private static func isExcludedFolder(_ name: UnsafePointer<CChar>) -> Bool {
        excludedFolderBytes.contains { strcmp($0, name) == 0 }
    }
}
