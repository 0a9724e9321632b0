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
        let pattern: String
        let negated: Bool
        let folderOnly: Bool
        /// Matched against the path relative to `base` instead of the name alone.
        let anchored: Bool
        /// The folder of the .gitignore that holds the rule, relative to the project ("" at the root).
        let base: String
    }

    private var rules: [Rule] = []

    var isEmpty: Bool { rules.isEmpty }

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
        if isFolder && Self.excludedFolderNames.contains(name) { return true }
        var ignored = false
        for rule in rules {
            if rule.folderOnly && !isFolder { continue }
            if ignored != rule.negated { continue } // only a rule that could change the answer
            let subject: String
            if rule.anchored {
                if rule.base.isEmpty {
                    subject = relativePath
                } else {
                    guard relativePath.hasPrefix(rule.base + "/") else { continue }
                    subject = String(relativePath.dropFirst(rule.base.count + 1))
                }
            } else {
                subject = name
            }
            let flags: Int32 = rule.pattern.contains("**") ? 0 : FNM_PATHNAME
            if fnmatch(rule.pattern, subject, flags) == 0 { ignored = !rule.negated }
        }
        return ignored
    }
}
