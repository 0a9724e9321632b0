import Foundation
import Testing

/// "git says changed ⇒ PlanBuild rebuilds", as a property over random edits of a real git
/// repository that holds the cases a scan used to get wrong: source packages named `build`,
/// `target` and `dist` deep under `src/` beside real output folders at the module roots, a nested
/// `.gitignore` whose patterns must not reach its sibling folders, symbolic links (into the
/// project, out of it, and a loop), and executable bits. After each round of edits, every path `git status` reports
/// must be among the changes of the module that holds it (and, through the link, of the module
/// that links to it), a module git sees no change in must be a hit, and the cache reports no
/// change that git (or a link) does not explain. Then everything is recorded and committed.
@Suite struct InputsMatchGitTests {
    static let modules = [
        "core": #"{"paths": {"module": "core"}, "build_systems": ["maven"], "commands": {"verify": "true"}}"#,
        "app": #"{"paths": {"module": "app"}, "build_systems": ["gradle"], "commands": {"verify": "true"}}"#,
        "web": #"{"paths": {"module": "web"}, "build_systems": ["npm"], "commands": {"verify": "true"}}"#,
        "shared": #"{"paths": {"module": "shared"}, "commands": {"verify": "true"}}"#,
    ]
    static let sharedLink = "core/src/main/java/acme/shared"
    static let sharedTargets = ["shared/java", "shared/java2"]
    static let outsideLink = "core/src/ext"
    static let nestedIgnore = "app/src/a/.gitignore"

    static let files = [
        ".gitignore": ".plan/\n*.log\n",
        "core/.gitignore": "/target/\n",
        "core/pom.xml": "<project/>\n",
        "core/src/main/java/acme/App.java": "class App {}\n",
        "core/src/main/java/acme/build/Tool.java": "class Tool {}\n",
        "core/src/main/java/acme/target/Target.java": "class Target {}\n",
        "core/src/main/java/acme/dist/Dist.java": "class Dist {}\n",
        "core/target/classes/App.class": "cafebabe\n",
        "app/.gitignore": "/build/\n/.gradle/\n",
        "app/build.gradle": "plugins {}\n",
        "app/src/main/kotlin/build/B.kt": "object B\n",
        "app/src/a/.gitignore": "*.gen\n",
        "app/src/a/A.kt": "object A\n",
        "app/src/a/x.gen": "generated\n",
        "app/src/b/B.kt": "object B2\n",
        "app/src/b/y.gen": "kept: the pattern is src/a's\n",
        "app/build/tmp/out.txt": "output\n",
        "app/.gradle/state.bin": "state\n",
        "web/.gitignore": "/dist/\n/node_modules/\n",
        "web/package.json": "{}\n",
        "web/src/dist/d.js": "export {}\n",
        "web/dist/bundle.js": "bundle\n",
        "web/node_modules/x/index.js": "module.exports = {}\n",
        "shared/java/Shared.java": "class Shared {}\n",
        "shared/java2/Other.java": "class Other {}\n",
    ]

    @Test func everyChangeGitSeesRebuildsTheModuleThatHoldsIt() throws {
        try TestSupport.withTemporaryDirectory("pbgit-outside") { outside in
            try TestSupport.withTemporaryDirectory("pbgit") { repo in
                for (path, text) in Self.files { TestSupport.write(text, to: repo + "/" + path) }
                TestSupport.write("e\n", to: outside + "/lib/E.java")
                #expect(symlink("../../../../../shared/java", repo + "/" + Self.sharedLink) == 0)
                #expect(symlink(outside, repo + "/" + Self.outsideLink) == 0)
                #expect(symlink("..", repo + "/core/src/loop") == 0)
                let git = Git(repo)
                try git.run("init", "-q")
                try git.commitEverything()
                let cache = try IncrementalTestProject(repo, modules: Self.modules)
                try cache.recordAll()
                #expect(try cache.decisions() == ["hit", "hit", "hit", "hit"])

                var random = JVMSplitMix(seed: 20) // seeded, so a failure can be replayed
                var sharedTarget = Self.sharedTargets[0]
                var ignoresKotlin = false
                for round in 1...40 {
                    var touchedOutside: Set<String> = []
                    for _ in 0..<Int.random(in: 1...3, using: &random) {
                        let (repoTree, outsideTree) = (Tree(repo), Tree(outside))
                        switch Int.random(in: 0..<100, using: &random) {
                        case 0..<32: // edit a file, the same size half of the time
                            let (root, path) = Self.pick(repoTree.files, outsideTree.files, using: &random)
                            let old = TestSupport.readText(root + "/" + path)
                            let text = Bool.random(using: &random) ? String(old.reversed()) : old + "\(round)\n"
                            TestSupport.write(text == old ? old + "!" : text, to: root + "/" + path)
                            if root == outside { touchedOutside.insert(path) }
                        case 32..<60: // add a file
                            let (root, folder) = Self.pick(repoTree.folders, outsideTree.folders, using: &random)
                            let name = ["N\(round).java", "n\(round).gen", "n\(round).log", "n\(round).kt"].randomElement(using: &random)!
                            let path = folder.isEmpty ? name : folder + "/" + name
                            TestSupport.write("new \(round)\n", to: root + "/" + path)
                            if root == outside { touchedOutside.insert(path) }
                        case 60..<78: // delete a file
                            let (root, path) = Self.pick(repoTree.files, outsideTree.files, using: &random)
                            unlink(root + "/" + path)
                            if root == outside { touchedOutside.insert(path) }
                        case 78..<85: // set or clear the executable bit, which git records
                            let (root, path) = Self.pick(repoTree.files, outsideTree.files, using: &random)
                            var info = stat()
                            stat(root + "/" + path, &info)
                            chmod(root + "/" + path, info.st_mode & S_IXUSR == 0 ? 0o755 : 0o644)
                            if root == outside { touchedOutside.insert(path) }
                        case 85..<93: // retarget the link into the project
                            sharedTarget = sharedTarget == Self.sharedTargets[0] ? Self.sharedTargets[1] : Self.sharedTargets[0]
                            unlink(repo + "/" + Self.sharedLink)
                            symlink("../../../../../" + sharedTarget, repo + "/" + Self.sharedLink)
                        default: // a nested .gitignore that starts or stops ignoring tracked files
                            ignoresKotlin.toggle()
                            TestSupport.write(ignoresKotlin ? "*.gen\n*.kt\n" : "*.gen\n", to: repo + "/" + Self.nestedIgnore)
                        }
                    }

                    let changedForGit = try git.changedPaths()
                    var expected: [String: Set<String>] = [:]
                    for path in changedForGit {
                        if let module = Self.modules.keys.first(where: { path.hasPrefix($0 + "/") }) { expected[module, default: []].insert(path) }
                        if path.hasPrefix(sharedTarget + "/") {
                            expected["core", default: []].insert(Self.sharedLink + path.dropFirst(sharedTarget.count))
                        }
                    }
                    // What a link leads to is seen at the link's path, where the project's .gitignore applies (`*.log`).
                    for path in touchedOutside where !path.hasSuffix(".log") {
                        expected["core", default: []].insert(Self.outsideLink + "/" + path)
                    }
                    // A .gitignore that starts ignoring a tracked file: git still tracks it, the cache drops it.
                    let newlyIgnoredMayGo = changedForGit.contains(Self.nestedIgnore)

                    let run = try cache.run()
                    for (index, build) in cache.plan.builds.enumerated() {
                        let wanted = expected[build.module] ?? []
                        switch run.decisions[index] {
                        case .hit:
                            #expect(wanted.isEmpty, "round \(round): \(build.module) is a hit, but these changed: \(wanted.sorted())")
                        case .miss(let miss):
                            let reported = Set(miss.changes.added + miss.changes.modified + miss.changes.deleted)
                            #expect(!wanted.isEmpty, "round \(round): \(build.module) missed (\(miss.reason)) with nothing changed")
                            #expect(miss.reason == .inputsChanged, "round \(round): \(build.module): \(miss.reason)")
                            #expect(wanted.subtracting(reported).isEmpty,
                                    "round \(round): \(build.module) does not report \(wanted.subtracting(reported).sorted())")
                            let unexplained = reported.filter {
                                !changedForGit.contains($0) && !$0.hasPrefix(Self.sharedLink + "/") && !$0.hasPrefix(Self.outsideLink + "/")
                                    && !(newlyIgnoredMayGo && $0.hasPrefix("app/src/a/"))
                            }
                            #expect(unexplained.isEmpty, "round \(round): \(build.module) reports \(unexplained.sorted()), git does not")
                        }
                    }
                    try cache.recordAll(run)
                    try git.commitEverything()
                }
            }
        }
    }

    /// A path from one of two lists (the repository's or the outside folder's), with its root.
    private static func pick(_ inRepo: [(root: String, path: String)], _ outside: [(root: String, path: String)],
                             using random: inout JVMSplitMix) -> (String, String) {
        let chosen = (inRepo + outside).randomElement(using: &random)!
        return (chosen.root, chosen.path)
    }

    /// The regular files and folders under a root, relative to it, without following links and
    /// without `.git/` and `.plan/`; .gitignore files are left out of `files` (edited on purpose only).
    struct Tree {
        var files: [(root: String, path: String)] = []
        var folders: [(root: String, path: String)] = []

        init(_ root: String) {
            folders.append((root, ""))
            var pending = [""]
            while let folder = pending.popLast() {
                let absolute = folder.isEmpty ? root : root + "/" + folder
                for name in ((try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? []).sorted()
                where name != ".git" && name != ".plan" {
                    let path = folder.isEmpty ? name : folder + "/" + name
                    var info = stat()
                    guard lstat(root + "/" + path, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR:
                        folders.append((root, path))
                        pending.append(path)
                    case S_IFREG where name != ".gitignore":
                        files.append((root, path))
                    default:
                        break
                    }
                }
            }
        }
    }

    /// git in the test's own repository, with no user or system configuration.
    struct Git {
        let repository: String
        init(_ repository: String) { self.repository = repository }

        @discardableResult
        func run(_ arguments: String...) throws -> String { try run(arguments) }

        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            try TestProgram.run(["git", "-c", "user.name=PlanBuild test", "-c", "user.email=test@example.invalid",
                                 "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"] + arguments,
                                in: repository, environment: ["GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"])
        }

        /// What `git status` reports changed since the last commit, untracked files one by one.
        func changedPaths() throws -> Set<String> {
            let output = try run("status", "--porcelain", "-z", "-uall", "--no-renames")
            return Set(output.split(separator: "\0").map { String($0.dropFirst(3)) })
        }

        /// Commits the tree as it is, as a clean repository would hold it: what a .gitignore now
        /// matches is no longer tracked (git keeps tracking such a file; PlanBuild, which reads no
        /// index, does not see it).
        func commitEverything() throws {
            try run("add", "-A")
            let ignored = try run("ls-files", "-ci", "--exclude-standard", "-z").split(separator: "\0").map(String.init)
            if !ignored.isEmpty { try run(["rm", "-q", "--cached", "--"] + ignored) }
            try run("commit", "-q", "--allow-empty", "-m", "round")
        }
    }
}

/// The corpus tests' seeded generator serves here too.
extension JVMSplitMix: RandomNumberGenerator {}
