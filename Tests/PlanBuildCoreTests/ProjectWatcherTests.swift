import Foundation
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildCache

/// The file watcher's list of a project must be what a cold full scan finds, after any file
/// operations: random creates, edits (also of the same size with the mtime put back), deletes,
/// renames across folders, new and removed folders, files replaced by a rename over them (as
/// editors save), symbolic links, `.gitignore` files written and removed, and changes inside
/// ignored folders that must not count. After
/// each batch, the watcher's changed paths equal the difference of two cold scans, its list equals
/// the cold scan, and the cache decides exactly as it does from a cold scan.
@Suite(.serialized) struct ProjectWatcherTests {
    static let modules = [
        "core": #"{"paths": {"module": "core"}, "build_systems": ["maven"], "commands": {"verify": "true"}}"#,
        "web": #"{"paths": {"module": "web"}, "build_systems": ["npm"], "commands": {"verify": "true"}}"#,
        "lib": #"{"paths": {"module": "lib"}, "dependencies": ["core"], "commands": {"verify": "true"}}"#,
    ]
    static let folders = ["core/src/a", "core/src/b", "core/target/classes", "web/src", "web/node_modules/x", "lib", "lib/deep/er",
                          ".mvn", "docs"]

    /// What a cold scan of the whole project finds: path → identity and kind.
    static func coldScan(_ project: String, _ outputFolders: [String]) -> [String: String] {
        var scanner = InputScanner(projectDirectory: project, outputFolders: outputFolders)
        return describe(scanner.scanFiles([""]))
    }

    static func describe(_ files: ScannedFiles) -> [String: String] {
        var described: [String: String] = [:]
        for index in 0..<files.count {
            let identity = files.identities[index]
            described[files.path(index)] = "\(identity.size) \(identity.modifiedNanoseconds) \(identity.inode) "
                + "\(identity.changedNanoseconds) \(files.kinds[index])"
        }
        return described
    }

    static func differences(_ old: [String: String], _ new: [String: String]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted { InputManifest.precedes($0, $1) }
    }

    /// Each build's decision and input digest, for comparing a warm run with a cold one.
    static func decisions(_ run: IncrementalRun) -> [String] {
        run.decisions.indices.map { index in
            let decision: String
            switch run.decisions[index] {
            case .hit: decision = "hit"
            case .miss(let miss): decision = miss.reason.rawValue + " " + miss.changes.added.joined(separator: ",")
                + "|" + miss.changes.modified.joined(separator: ",") + "|" + miss.changes.deleted.joined(separator: ",")
            }
            return decision + " " + (run.inputDigest(at: index) ?? "-")
        }
    }

    @Test func aThousandRandomOperationsLeaveTheWatchersListEqualToAColdScan() throws {
        try TestSupport.withTemporaryDirectory("pbwatch-outside") { outside in
            try TestSupport.withTemporaryDirectory("pbwatch") { project in
                TestSupport.write("<project/>\n", to: project + "/pom.xml")
                TestSupport.write("*.log\n", to: project + "/.gitignore")
                TestSupport.write("e\n", to: outside + "/E.java")
                for folder in Self.folders { TestSupport.write("seed \(folder)\n", to: project + "/" + folder + "/seed.txt") }
                let cache = try IncrementalTestProject(project, modules: Self.modules)
                let outputFolders = BuildInputs.outputFolders(of: cache.architecture.modules, planDirName: cache.layout.planDirName)
                let watcher = ProjectWatcher(projectDirectory: project, outputFolders: outputFolders)
                #expect(watcher.fullScanReason == nil)
                try cache.recordAll()
                var cold = Self.coldScan(project, outputFolders)
                #expect(Self.describe(watcher.allFiles) == cold)

                var random = JVMSplitMix(seed: 23) // seeded, so a failure can be replayed
                var operations = 0
                var batch = 0
                var changedPaths = 0, hits = 0, misses = 0, links = 0
                while operations < 1000 {
                    batch += 1
                    let count = Int.random(in: 1...12, using: &random)
                    for _ in 0..<count { Self.randomOperation(project, outside: outside, using: &random) }
                    operations += count
                    let refresh = watcher.refresh()
                    let now = Self.coldScan(project, outputFolders)
                    #expect(refresh.fullScanReason == nil)
                    #expect(refresh.changed == Self.differences(cold, now), "batch \(batch)")
                    #expect(Self.describe(watcher.allFiles) == now, "batch \(batch)")
                    cold = now
                    changedPaths += refresh.changed.count
                    links = max(links, watcher.allFiles.kinds.filter { $0 == .symlink || $0 == .symlinkToFile }.count)
                    do {
                        // Decided from the watcher's list and from a cold scan: the same after
                        // every batch; every fourth batch the builds are recorded and decided
                        // again (then nothing changed: the no-change decision).
                        for round in 0..<(batch % 4 == 0 ? 2 : 1) {
                            var warmRequest = IncrementalRun.Request()
                            warmRequest.watcher = watcher
                            let warm = try IncrementalRun(plan: cache.plan, architecture: cache.architecture, layout: cache.layout,
                                                          settings: .init(), request: warmRequest)
                            let coldRun = try cache.run()
                            #expect(Self.decisions(warm) == Self.decisions(coldRun), "batch \(batch)")
                            #expect(warm.problems.isEmpty)
                            for decision in Self.decisions(warm) { if decision.hasPrefix("hit") { hits += 1 } else { misses += 1 } }
                            if round == 0 { try cache.recordAll(warm) }
                        }
                    }
                }
                // The operations did change things, and the cache saw both hits and misses.
                #expect(changedPaths > 500 && links > 0 && hits > 0 && misses > 0, "changed \(changedPaths), links \(links), hits \(hits), misses \(misses)")
            }
        }
    }

    /// One random operation on the tree.
    static func randomOperation(_ project: String, outside: String, using random: inout JVMSplitMix) {
        let files = Self.regularFiles(project)
        let folders = Self.allFolders(project)
        func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[Int.random(in: 0..<items.count, using: &random)] }
        let name = "f\(Int.random(in: 0..<1_000_000, using: &random))"
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<18: // create
            if let folder = pick(folders) { TestSupport.write("new \(name)\n", to: project + "/" + folder + "/" + name + ".txt") }
        case 18..<34: // edit with the same size and the same mtime
            guard let file = pick(files) else { return }
            let path = project + "/" + file
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            var bytes = TestSupport.readBytes(path)
            if bytes.isEmpty { bytes = [0x41] } else { bytes[0] = bytes[0] == 0x41 ? 0x42 : 0x41 }
            let handle = open(path, O_WRONLY | O_TRUNC)
            guard handle >= 0 else { return }
            _ = bytes.withUnsafeBytes { write(handle, $0.baseAddress, $0.count) }
            close(handle)
            var times = [info.st_atim, info.st_mtim]
            _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
        case 34..<44: // append
            if let file = pick(files) { TestSupport.write(TestSupport.readText(project + "/" + file) + "more\n", to: project + "/" + file) }
        case 44..<54: // delete
            if let file = pick(files) { unlink(project + "/" + file) }
        case 54..<64: // rename across folders
            if let file = pick(files), let folder = pick(folders) { rename(project + "/" + file, project + "/" + folder + "/" + name) }
        case 64..<72: // mkdir, with a file inside half of the time
            guard let folder = pick(folders) else { return }
            let made = project + "/" + folder + "/" + name
            mkdir(made, 0o755)
            if Bool.random(using: &random) { TestSupport.write("inside\n", to: made + "/in.txt") }
        case 72..<78: // remove a folder with everything in it (never a module's own)
            guard let folder = pick(folders.filter { $0.split(separator: "/").count > 1 }) else { return }
            try? FileManager.default.removeItem(atPath: project + "/" + folder)
        case 78..<84: // move a folder elsewhere
            guard let folder = pick(folders.filter { $0.split(separator: "/").count > 1 }), let target = pick(folders),
                  !(target + "/").hasPrefix(folder + "/") else { return }
            rename(project + "/" + folder, project + "/" + target + "/" + name)
        case 84..<92: // replace through a rename over the file, as editors save
            guard let file = pick(files) else { return }
            let temporary = project + "/" + file + ".tmp~"
            TestSupport.write("replaced \(name)\n", to: temporary)
            rename(temporary, project + "/" + file)
        case 92..<94: // a .gitignore written, changed or removed: what is an input below it changes
            guard let folder = pick(folders) else { return }
            let ignore = project + "/" + folder + "/.gitignore"
            switch Int.random(in: 0..<3, using: &random) {
            case 0: TestSupport.write("*.txt\n", to: ignore)
            case 1: TestSupport.write("f[0-4]*\n!seed.txt\n", to: ignore)
            default: unlink(ignore)
            }
        case 94..<97: // a symbolic link: to a file, to a folder, to outside the project, or dangling
            guard let folder = pick(folders) else { return }
            let targets = [files.first.map { "/" + $0 }.map { project + $0 } ?? "/nonexistent", project + "/docs", outside, "/nonexistent/x"]
            symlink(pick(targets)!, project + "/" + folder + "/" + name)
        default: // outside the project, through a link, or in an ignored folder
            if Bool.random(using: &random) {
                TestSupport.write("outside \(name)\n", to: outside + "/E.java")
            } else {
                TestSupport.write("ignored \(name)\n", to: project + "/core/target/classes/" + name + ".class")
            }
        }
    }

    /// Regular files of the project (not under .plan), relative.
    static func regularFiles(_ project: String) -> [String] {
        walk(project).filter { !$0.isFolder }.map(\.path)
    }

    static func allFolders(_ project: String) -> [String] {
        walk(project).filter(\.isFolder).map(\.path).filter { !$0.isEmpty }
    }

    static func walk(_ project: String) -> [(path: String, isFolder: Bool)] {
        var found: [(String, Bool)] = []
        var stack = [""]
        while let folder = stack.popLast() {
            let absolute = folder.isEmpty ? project : project + "/" + folder
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? []).sorted() where name != ".plan" {
                let path = folder.isEmpty ? name : folder + "/" + name
                var info = stat()
                guard lstat(project + "/" + path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: found.append((path, true)); stack.append(path)
                case S_IFREG: found.append((path, false))
                default: continue
                }
            }
        }
        return found
    }

    /// A queue smaller than the burst of events overflows: the whole project is scanned, once,
    /// with the reason, and the list is still right; the next small change is back to events.
    @Test func anOverflowingQueueFallsBackToAFullScanAndStaysCorrect() throws {
        try TestSupport.withTemporaryDirectory("pbwatch-overflow") { project in
            TestSupport.write("x\n", to: project + "/src/a.txt")
            let cache = try IncrementalTestProject(project, modules: ["src": #"{"paths": {"module": "src"}, "commands": {"verify": "true"}}"#])
            let outputFolders = BuildInputs.outputFolders(of: cache.architecture.modules, planDirName: cache.layout.planDirName)
            let watcher = ProjectWatcher(projectDirectory: project, outputFolders: outputFolders, limits: FolderWatchLimits(queuedEvents: 4))
            try cache.recordAll()
            for index in 0..<20 { TestSupport.write("\(index)\n", to: project + "/src/new\(index).txt") }
            // The cache's decision through the overflowed watcher: the whole project scanned, one
            // line saying why, and the decision a cold scan gives.
            var warmRequest = IncrementalRun.Request()
            warmRequest.watcher = watcher
            let warm = try IncrementalRun(plan: cache.plan, architecture: cache.architecture, layout: cache.layout,
                                          settings: .init(), request: warmRequest)
            #expect(warm.problems.count == 1 && warm.problems[0].contains("event queue overflowed"), "\(warm.problems)")
            #expect(Self.decisions(warm) == Self.decisions(try cache.run()))
            #expect(Self.decisions(warm).first?.hasPrefix("inputs_changed") == true)
            #expect(Self.describe(watcher.allFiles) == Self.coldScan(project, outputFolders))
            TestSupport.write("changed\n", to: project + "/src/a.txt")
            let next = watcher.refresh()
            #expect(next.fullScanReason == nil)
            #expect(next.changed == ["src/a.txt"])
            #expect(Self.describe(watcher.allFiles) == Self.coldScan(project, outputFolders))
        }
    }

    /// Past the limit of watches, every refresh scans the whole project and says why.
    @Test func reachingTheWatchLimitMakesEveryRefreshAFullScan() throws {
        try TestSupport.withTemporaryDirectory("pbwatch-limit") { project in
            for folder in ["a", "b", "c/d"] { TestSupport.write("x\n", to: project + "/" + folder + "/f.txt") }
            let watcher = ProjectWatcher(projectDirectory: project, outputFolders: [".plan"], limits: FolderWatchLimits(watches: 2))
            #expect(watcher.fullScanReason?.contains("max_user_watches") == true)
            TestSupport.write("changed\n", to: project + "/c/d/f.txt")
            let refresh = watcher.refresh()
            #expect(refresh.fullScanReason?.contains("max_user_watches") == true)
            #expect(refresh.changed == ["c/d/f.txt"])
            #expect(Self.describe(watcher.allFiles) == Self.coldScan(project, [".plan"]))
        }
    }

    /// A folder moved away takes its `.gitignore` along: a new folder of the old name is not
    /// bound by the rules that went.
    @Test func aFolderMovedAwayTakesItsIgnoreRulesAlong() throws {
        try TestSupport.withTemporaryDirectory("pbwatch-ignore") { project in
            TestSupport.write("*.txt\n", to: project + "/a/x/.gitignore")
            TestSupport.write("ignored\n", to: project + "/a/x/k.txt")
            TestSupport.write("kept\n", to: project + "/a/x/Keep.java")
            mkdir(project + "/b", 0o755)
            let watcher = ProjectWatcher(projectDirectory: project, outputFolders: [".plan"])
            #expect(rename(project + "/a/x", project + "/b/x") == 0)
            _ = watcher.refresh()
            TestSupport.write("an input now\n", to: project + "/a/x/n.txt")
            let refresh = watcher.refresh()
            #expect(refresh.changed == ["a/x/n.txt"])
            #expect(Self.describe(watcher.allFiles) == Self.coldScan(project, [".plan"]))
        }
    }

    /// `git checkout` of another branch rewrites, adds and removes many files at once.
    @Test func aGitCheckoutOfAnotherBranchIsSeenWhole() throws {
        try TestSupport.withTemporaryDirectory("pbwatch-git") { project in
            TestSupport.write("one\n", to: project + "/src/a.txt")
            TestSupport.write("two\n", to: project + "/src/b/b.txt")
            let git = { (arguments: [String]) throws in
                _ = try TestProgram.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"] + arguments, in: project)
            }
            try git(["init", "-q"])
            try git(["add", "-A"]); try git(["commit", "-qm", "one"])
            try git(["checkout", "-qb", "other"])
            TestSupport.write("changed on other\n", to: project + "/src/a.txt")
            unlink(project + "/src/b/b.txt")
            TestSupport.write("new\n", to: project + "/src/c/c.txt")
            try git(["add", "-A"]); try git(["commit", "-qm", "other"])
            try git(["checkout", "-q", "main"])
            let watcher = ProjectWatcher(projectDirectory: project, outputFolders: [".plan"])
            let before = Self.coldScan(project, [".plan"])
            try git(["checkout", "-q", "other"])
            let refresh = watcher.refresh()
            let after = Self.coldScan(project, [".plan"])
            #expect(refresh.fullScanReason == nil)
            #expect(refresh.changed == Self.differences(before, after))
            #expect(Self.describe(watcher.allFiles) == after)
        }
    }
}
