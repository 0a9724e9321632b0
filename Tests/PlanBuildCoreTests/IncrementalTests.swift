import Foundation
import Testing
@testable import PlanBuildModel
@testable import PlanBuildCache
@testable import PlanBuildOrchestration

/// The build cache's parts on real files in temporary projects; the
/// whole on real Maven is Tests/e2e/test_incremental_maven.py.
@Suite struct IncrementalTests {
    private func write(_ text: String, _ path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    @Test func gitIgnorePatternsAndBuildFoldersAreNotInputs() throws {
        try TestSupport.withTemporaryDirectory { project in
            try write("*.log\n/generated/\n!keep.log\nsrc/**/tmp\n# comment\n", project + "/.gitignore")
            try write("x", project + "/src/A.java")
            try write("x", project + "/src/debug.log")
            try write("x", project + "/src/keep.log")
            try write("x", project + "/src/deep/er/tmp")
            try write("x", project + "/generated/G.java")
            try write("x", project + "/src/generated/G.java") // not anchored to the root: kept
            try write("x", project + "/target/classes/A.class")
            try write("x", project + "/node_modules/x/index.js")
            try write("x", project + "/.plan/run-configuration.json")
            try write("x", project + "/src/__pycache__/a.pyc") // a tool cache: excluded at any depth
            // Output folder names deep under src/ are source packages: inputs.
            try write("x", project + "/src/com/acme/build/B.java")
            try write("x", project + "/src/com/acme/target/T.java")
            try write("x", project + "/src/com/acme/node_modules/N.js")
            var scanner = InputScanner(projectDirectory: project, outputFolders: [".plan", "target", "node_modules"])
            let paths = scanner.scan([""]).map(\.path)
            #expect(paths == [".gitignore", "src/A.java", "src/com/acme/build/B.java", "src/com/acme/node_modules/N.js",
                              "src/com/acme/target/T.java", "src/generated/G.java", "src/keep.log"])
        }
    }

    @Test func pathsOutsideTheProjectAreRefused() {
        #expect(InputScanner.normalise("../etc") == nil)
        #expect(InputScanner.normalise("/etc/passwd") == nil)
        #expect(InputScanner.normalise("./core//src/./main/") == "core/src/main")
    }

    @Test func manifestDigestDependsOnContentNotOnLocationOrTime() throws {
        let hasher = try ContentHasher.shared()
        try TestSupport.withTemporaryDirectory { first in
            try TestSupport.withTemporaryDirectory { second in
                for project in [first, second] {
                    try write("class A {}", project + "/src/A.java")
                    try write("class B {}", project + "/src/B.java")
                }
                utime(second + "/src/A.java", nil)
                var one = InputScanner(projectDirectory: first)
                var two = InputScanner(projectDirectory: second)
                let a = InputManifest.build(one.scan(["src"]), projectDirectory: first, previous: nil, hasher: hasher, threads: 2,
                                            scanStartNanoseconds: one.startNanoseconds)
                let b = InputManifest.build(two.scan(["src"]), projectDirectory: second, previous: nil, hasher: hasher, threads: 2,
                                            scanStartNanoseconds: two.startNanoseconds)
                #expect(a.digest == b.digest)
                #expect(a.entries.map(\.hash) == b.entries.map(\.hash))
                // The SHA-256 of "class A {}", as sha256sum prints it.
                #expect(a.entries[0].hash == "107310d1668e0941284e7595573d77788d10959a91d6eb1a53c03b4faba0bc97")
            }
        }
    }

    @Test func unchangedIdentityReusesTheRecordedHashWithoutReading() throws {
        let hasher = try ContentHasher.shared()
        try TestSupport.withTemporaryDirectory { project in
            try write("one", project + "/src/A.txt")
            var scanner = InputScanner(projectDirectory: project)
            let files = scanner.scan(["src"])
            let real = InputManifest.build(files, projectDirectory: project, previous: nil, hasher: hasher, threads: 1,
                                          scanStartNanoseconds: scanner.startNanoseconds)
            // A previous manifest with the same identity but another hash: the fast path trusts it.
            let stale = InputManifest(entries: [InputManifest.Entry(path: "src/A.txt", identity: files[0].identity, hash: "recorded")], hasher: hasher)
            let reused = InputManifest.build(files, projectDirectory: project, previous: stale, hasher: hasher, threads: 1,
                                            scanStartNanoseconds: scanner.startNanoseconds)
            #expect(reused.entries[0].hash == "recorded")
            #expect(real.entries[0].hash != "recorded")
        }
    }

    @Test func changesListAddedModifiedDeleted() throws {
        let hasher = try ContentHasher.shared()
        let identity = FileIdentity(size: 1, modifiedNanoseconds: 1, inode: 1, changedNanoseconds: 1)
        func manifest(_ entries: [(String, String)]) -> InputManifest {
            InputManifest(entries: entries.map { InputManifest.Entry(path: $0.0, identity: identity, hash: $0.1) }, hasher: hasher)
        }
        let old = manifest([("a", "1"), ("b", "2"), ("c", "3")])
        let new = manifest([("a", "1"), ("b", "9"), ("d", "4")])
        let changes = new.changes(since: old)
        #expect(changes == InputManifest.Changes(added: ["d"], modified: ["b"], deleted: ["c"]))
    }

    @Test func storedManifestRoundTripsHostilePaths() throws {
        let hasher = try ContentHasher.shared()
        let identity = FileIdentity(size: 12, modifiedNanoseconds: 1_700_000_000_123_456_789, inode: 42, changedNanoseconds: 5)
        let manifest = InputManifest(entries: [InputManifest.Entry(path: "a\tb\\c\nd\r\ne", identity: identity, hash: "ff")], hasher: hasher)
        let parsed = InputManifest.parse(stored: Array(manifest.storedText.utf8))
        #expect(parsed == manifest)
        #expect(InputManifest.parse(stored: Array("not a manifest".utf8)) == nil)
    }

    @Test func cacheFileNamesCannotLeaveTheCacheFolder() {
        #expect(BuildCacheStore.fileName("../../etc") == "%2E.%2F..%2Fetc")
        #expect(!BuildCacheStore.fileName("a/b").contains("/"))
        #expect(BuildCacheStore.fileName("..") != "..")
        #expect(BuildCacheStore.fileName("") == "%")
        #expect(BuildCacheStore.fileName("core-lib_2.x") == "core-lib_2.x")
    }

    @Test func corruptOrForeignRecordsCountAsNoRecord() throws {
        try TestSupport.withTemporaryDirectory { project in
            let store = BuildCacheStore(layout: ProjectLayout(projectDir: project))
            try write("{not json", store.basePath(module: "core", command: "verify") + ".json")
            try write(#"{"version": 99, "module": "web"}"#, store.basePath(module: "web", command: "verify") + ".json")
            guard case .unreadable = store.record(module: "core", command: "verify") else { Issue.record("corrupt read as a record"); return }
            guard case .unreadable = store.record(module: "web", command: "verify") else { Issue.record("foreign read as a record"); return }
            guard case .none = store.record(module: "service", command: "verify") else { Issue.record("absent read as a record"); return }
            #expect(store.entries().unreadable.count == 2)
        }
    }

    @Test func recordsRoundTrip() throws {
        let record = CacheRecord(module: "core", command: "verify", commandLine: "mvn verify", inputDigest: "i",
                                 moduleDigest: "m", globalDigest: "g", dependencyDigests: ["api": "d"],
                                 durationMilliseconds: 21_500, tests: TestSummary(passed: 3, failed: 0, skipped: 1),
                                 warnings: 2, logFile: "/p/.plan/temp/build-output/core/maven.log",
                                 artifacts: [CacheRecord.Artifact(path: "core/target/core.jar", size: 3243)], recordedAt: 1_800_000_000)
        #expect(CacheRecord(json: .object(record.json)) == record)
    }

    /// A project of two modules whose commands are shell scripts (timing does not matter here):
    /// the decisions of IncrementalRun for the common changes.
    @Test func decisionsFollowTheChanges() throws {
        try TestSupport.withTemporaryDirectory { project in
            try write("""
            {"modules": {
              "lib": {"name": "lib", "paths": {"module": "lib", "sources": ["lib/src"], "descriptor": "lib/build.txt"},
                      "commands": {"verify": "true"}},
              "app": {"name": "app", "paths": {"module": "app", "sources": ["app/src"]}, "dependencies": ["lib"],
                      "commands": {"verify": "true"}}
            }}
            """, project + "/.plan/project-architecture/derived-data.json")
            try write("lib", project + "/lib/src/L.txt")
            try write("d", project + "/lib/build.txt")
            try write("app", project + "/app/src/A.txt")
            let layout = ProjectLayout(projectDir: project)
            let architecture = try ProjectArchitecture.load(layout)
            let plan = try OrchestrationPlan.make(command: "verify", modules: nil, architecture: architecture)
            func decide(_ request: IncrementalRun.Request = .init(), settings: IncrementalSettings = .init()) throws -> [String] {
                let run = try IncrementalRun(plan: plan, architecture: architecture, layout: layout, settings: settings, request: request)
                return run.decisions.map {
                    switch $0 {
                    case .hit: return "hit"
                    case .miss(let miss): return miss.reason.rawValue
                    }
                }
            }
            func recordAll() throws {
                let run = try IncrementalRun(plan: plan, architecture: architecture, layout: layout, settings: .init(), request: .init())
                for index in plan.builds.indices {
                    #expect(run.recordSuccess(index: index, durationMilliseconds: 1000, tests: nil, warnings: 0, logFile: nil) == nil)
                }
            }
            #expect(try decide() == ["no_record", "no_record"])
            try recordAll()
            #expect(try decide() == ["hit", "hit"])
            #expect(try decide(IncrementalRun.Request(disabled: true)) == ["disabled", "disabled"])
            #expect(try decide(IncrementalRun.Request(forced: ["app"])) == ["hit", "forced"])
            try write("lib changed", project + "/lib/src/L.txt")
            #expect(try decide() == ["inputs_changed", "dependency_changed"])
            try recordAll()
            try write("{}", project + "/package.json") // a project-wide input appears
            #expect(try decide() == ["global_input_changed", "global_input_changed"])
            try recordAll()
            var expiring = IncrementalSettings()
            expiring.maximumAgeDays = 0
            let run = try IncrementalRun(plan: plan, architecture: architecture, layout: layout, settings: expiring,
                                         request: .init(), now: Int(Date().timeIntervalSince1970) + 10)
            if case .miss(let miss) = run.decisions[0] { #expect(miss.reason == .expired) } else { Issue.record("not expired") }
        }
    }

    @Test func displayLinesShowCachedBuildsAndTheMissInAWord() {
        let build = ProgressEvent.BuildIdentity(module: "core", command: "verify", index: 0)
        let cached = ProgressEvent.buildFinished(build, .init(status: .cached, durationSeconds: 0, durationMilliseconds: 0,
                                                             errors: 0, warnings: 0, logFile: nil, timeSavedSeconds: 21))
        #expect(cached.line == "cached   core  saved 21s")
        #expect(cached.json()["time_saved_seconds"] == .int(21))
        let rebuilt = ProgressEvent.buildFinished(build, .init(status: .success, durationSeconds: 3, durationMilliseconds: 3100,
                                                              errors: 0, warnings: 0, logFile: nil, cacheMiss: .inputsChanged))
        #expect(rebuilt.line == "success  core  3s  errors 0  (changed)")
        #expect(rebuilt.json()["cache_miss"] == .string("inputs_changed"))
        let first = ProgressEvent.buildFinished(build, .init(status: .success, durationSeconds: 3, durationMilliseconds: 3100,
                                                            errors: 0, warnings: 0, logFile: nil, cacheMiss: .noRecord))
        #expect(first.line == "success  core  3s  errors 0")
    }
}
