import Foundation
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildCache

/// The build cache's files as a hostile checkout may leave them: numbers out of range, links,
/// FIFOs. Nothing traps, nothing outside the cache folder is read, written or removed, and what is
/// refused is reported and treated as absent.
@Suite struct CacheHostileFilesTests {
    static let valid = """
    {"version": 1, "module": "lib", "command": "verify", "command_line": "true", "status": "success",
     "input_digest": "i", "module_digest": "m", "global_digest": "g", "dependency_digests": {},
     "duration_seconds": 2, "duration_ms": 2000, "tests": {"passed": 1, "failed": 0, "skipped": 0, "total": 1},
     "warnings": 0, "log_file": null, "artifacts": [{"path": "lib/target/lib.jar", "size": 3}], "recorded_at": 1800000000}
    """

    /// The valid record with `member` replaced by `value` (JSON text).
    static func record(_ member: String, _ value: String) throws -> JSONValue {
        guard case .object(var object) = try JSONParser.parse(valid) else { throw PlanBuildError(.internal, "not an object") }
        object[member] = try JSONParser.parse(value)
        return .object(object)
    }

    @Test func theValidRecordDecodes() throws {
        let record = try #require(CacheRecord(json: try JSONParser.parse(Self.valid)))
        #expect(record.durationMilliseconds == 2000 && record.recordedAt == 1_800_000_000)
    }

    /// Every number a record holds is range-checked where it is decoded: each of these made
    /// arithmetic trap (ages, time saved, seconds × 1000) or would have.
    @Test(arguments: [
        ("duration_seconds", "1e300"), ("duration_seconds", "10000000000000000"), ("duration_seconds", "-1"),
        ("duration_ms", "9223372036854775807"), ("duration_ms", "-5"), ("duration_ms", "1e300"),
        ("recorded_at", "-9223372036854775808"), ("recorded_at", "9223372036854775807"), ("recorded_at", "1e15"),
        ("recorded_at", "-1"), ("recorded_at", "\"soon\""), ("warnings", "-1"), ("warnings", "1e12"),
        ("tests", #"{"passed": 9223372036854775807}"#), ("tests", #"{"total": -1}"#), ("tests", "7"),
        ("artifacts", #"[{"path": "a.jar", "size": -1}]"#), ("artifacts", #"[{"path": "a.jar", "size": 1e300}]"#),
        ("artifacts", #""lib.jar""#), ("artifacts", "[7]"), ("log_file", "5"), ("version", "1.5"),
    ])
    func outOfRangeNumbersMakeTheRecordCorrupt(_ member: String, _ value: String) throws {
        #expect(CacheRecord(json: try Self.record(member, value)) == nil)
    }

    @Test func aCorruptLocalRecordIsReportedOnceAndTreatedAsAbsent() throws {
        try TestSupport.withTemporaryDirectory { project in
            let layout = try Self.project(project)
            let store = BuildCacheStore(layout: layout)
            TestSupport.write(JSONWriter.write(try Self.record("recorded_at", "-9223372036854775808")),
                              to: store.basePath(module: "lib", command: "verify") + ".json")
            let run = try Self.incrementalRun(layout)
            #expect(run.problems.count == 1)
            #expect(run.problems.first?.contains("lib/verify.json") == true)
            guard case .miss(let miss) = run.decisions[0] else { Issue.record("a corrupt record was a hit"); return }
            #expect(miss.reason == .noRecord)
            // `cache list` and `cache stats` take the same record as unreadable, without trapping.
            #expect(store.entries().unreadable.count == 1)
            #expect(CacheStatistics.read(store).entries == 0)
        }
    }

    @Test func statisticsSaturateAndRefuseNegativeCounts() throws {
        try TestSupport.withTemporaryDirectory { project in
            let store = BuildCacheStore(layout: ProjectLayout(projectDir: project))
            let stats = store.directory + "/stats.json"
            TestSupport.write(#"{"version": 1, "total": {"hits": 9223372036854775807, "time_saved_seconds": 9223372036854775800}, "remote": {"total": {"bytes_down": 9223372036854775807}}}"#, to: stats)
            var remote = RemoteCache.Counts()
            remote.bytesDown = 10
            #expect(try CacheStatistics.add(hits: 5, misses: 1, timeSavedSeconds: 100, remote: remote, to: store) == nil)
            var read = CacheStatistics.read(store)
            #expect(read.total.hits == Int.max && read.total.timeSavedSeconds == Int.max && read.total.remote.bytesDown == Int64.max)
            #expect(read.problems.isEmpty)

            TestSupport.write(#"{"version": 1, "total": {"hits": -3}, "last_run": {"hits": 1e300}}"#, to: stats)
            read = CacheStatistics.read(store)
            #expect(read.total.hits == 0 && read.lastRun.hits == 0)
            #expect(read.problems.count == 1)
            let problem = try CacheStatistics.add(hits: 2, misses: 0, timeSavedSeconds: 0, to: store)
            #expect(problem?.contains("counted anew") == true)
            #expect(CacheStatistics.read(store).total.hits == 2)
        }
    }

    @Test func anAgeLimitOfAnyNumberOfDaysFits() throws {
        try TestSupport.withTemporaryDirectory { project in
            TestSupport.write(#"{"incremental": {"max_age_days": 1000000000000000}}"#, to: project + "/.plan/run-configuration.json")
            let settings = IncrementalSettings.load(ProjectLayout(projectDir: project))
            #expect(settings.maximumAgeDays == IncrementalSettings.maximumAgeDaysLimit)
        }
    }

    // MARK: Links and FIFOs inside .plan/build-cache

    @Test func statsJSONThroughALinkLeavesTheTargetAlone() throws {
        try TestSupport.withTemporaryDirectory { root in
            TestSupport.write("root:x:0:0:root:/root:/bin/sh\n", to: root + "/passwd")
            let store = BuildCacheStore(layout: ProjectLayout(projectDir: root + "/project"))
            try FileSystem.makeDirectories(store.directory)
            #expect(symlink(root + "/passwd", store.directory + "/stats.json") == 0)
            #expect(CacheStatistics.read(store).problems.first?.contains("symbolic link") == true)
            let problem = try CacheStatistics.add(hits: 1, misses: 0, timeSavedSeconds: 0, to: store)
            #expect(problem?.contains("symbolic link") == true)
            #expect(TestSupport.readText(root + "/passwd") == "root:x:0:0:root:/root:/bin/sh\n")
            #expect(FileSystem.symbolicLinkTarget(store.directory + "/stats.json") == nil)
            #expect(CacheStatistics.read(store).total.hits == 1)
            #expect(try CacheStatistics.add(hits: 1, misses: 0, timeSavedSeconds: 0, to: store) == nil)
        }
    }

    @Test func aLinkedCacheFolderOrModuleFolderIsNeitherReadNorWrittenThrough() throws {
        try TestSupport.withTemporaryDirectory { root in
            let outside = root + "/outside"
            TestSupport.write(Self.valid, to: outside + "/verify.json")
            let layout = try Self.project(root + "/project")
            let store = BuildCacheStore(layout: layout)
            try FileSystem.makeDirectories(store.directory)
            #expect(symlink(outside, store.directory + "/lib") == 0)
            guard case .unreadable(let problem) = store.record(module: "lib", command: "verify") else {
                Issue.record("a record was read through a link"); return
            }
            #expect(problem.contains("not followed") || problem.contains("not a folder"))
            let run = try Self.incrementalRun(layout)
            #expect(run.recordSuccess(index: 0, durationMilliseconds: 1000, tests: nil, warnings: 0, logFile: nil) == nil)
            // The link was replaced by a folder of the cache; nothing was written where it pointed.
            #expect(FileSystem.symbolicLinkTarget(store.directory + "/lib") == nil)
            #expect(FileSystem.listDirectory(outside) == ["verify.json"])
            #expect(TestSupport.readText(outside + "/verify.json") == Self.valid)
            guard case .record = store.record(module: "lib", command: "verify") else { Issue.record("not recorded"); return }

            // The whole cache folder a link: refused on reading, replaced by a folder on writing.
            try FileManager.default.removeItem(atPath: store.directory)
            #expect(symlink(outside, store.directory) == 0)
            guard case .unreadable = store.record(module: "lib", command: "verify") else { Issue.record("read through a link"); return }
            #expect(store.entries().entries.isEmpty)
            #expect(store.entries().unreadable.count == 1)
            #expect(CacheStatistics.read(store).problems.count == 1)
            _ = try CacheStatistics.add(hits: 1, misses: 0, timeSavedSeconds: 0, to: store)
            #expect(FileSystem.symbolicLinkTarget(store.directory) == nil)
            #expect(FileSystem.listDirectory(outside) == ["verify.json"])
        }
    }

    @Test func aLinkedManifestMakesTheRecordCorrupt() throws {
        try TestSupport.withTemporaryDirectory { root in
            let layout = try Self.project(root + "/project")
            let store = BuildCacheStore(layout: layout)
            #expect(try Self.incrementalRun(layout).recordSuccess(index: 0, durationMilliseconds: 1000, tests: nil,
                                                                  warnings: 0, logFile: nil) == nil)
            let manifest = store.basePath(module: "lib", command: "verify") + ".manifest"
            try FileManager.default.removeItem(atPath: manifest)
            #expect(symlink("/dev/zero", manifest) == 0)
            guard case .unreadable(let problem) = store.record(module: "lib", command: "verify") else {
                Issue.record("a record with a linked manifest was taken"); return
            }
            #expect(problem.contains("verify.manifest") && problem.contains("symbolic link"))
        }
    }

    @Test func fifosInTheCacheAreRefusedWithoutWaiting() throws {
        try TestSupport.withTemporaryDirectory { root in
            let layout = try Self.project(root + "/project")
            let store = BuildCacheStore(layout: layout)
            try FileSystem.makeDirectories(store.directory + "/lib")
            for name in ["lib/verify.json", "stats.json", ".lock"] {
                #expect(mkfifo(store.directory + "/" + name, 0o600) == 0)
            }
            guard case .unreadable(let problem) = store.record(module: "lib", command: "verify") else {
                Issue.record("a FIFO was read as a record"); return
            }
            #expect(problem.contains("not a regular file"))
            #expect(store.entries().unreadable.count == 1)
            #expect(CacheStatistics.read(store).problems.count == 1)
            #expect(try CacheStatistics.add(hits: 1, misses: 0, timeSavedSeconds: 0, to: store)?.contains("not a regular file") == true)
            #expect(FileSystem.isRegularFile(store.directory + "/stats.json"))
            #expect(try store.clear() == 0)
            #expect(FileSystem.isRegularFile(store.directory + "/.lock"))
        }
    }

    @Test func clearingRemovesOnlyWhatIsInsideTheCacheFolder() throws {
        try TestSupport.withTemporaryDirectory { root in
            let layout = try Self.project(root + "/project")
            let store = BuildCacheStore(layout: layout)
            #expect(try Self.incrementalRun(layout).recordSuccess(index: 0, durationMilliseconds: 1000, tests: nil,
                                                                  warnings: 0, logFile: nil) == nil)
            TestSupport.write("keep", to: root + "/elsewhere/keep.json")
            // Links to the project root, relative and absolute, in the cache folder and in a module folder.
            #expect(symlink("../..", store.directory + "/project-root") == 0)
            #expect(symlink("../../..", store.directory + "/lib/up") == 0)
            #expect(symlink(root + "/elsewhere", store.directory + "/elsewhere") == 0)
            #expect(symlink(root + "/elsewhere/keep.json", store.directory + "/lib/other.json") == 0)
            #expect(try store.clear() == 1)
            #expect(TestSupport.readText(root + "/project/lib/src/L.txt") == "lib")
            #expect(FileSystem.exists(root + "/project/.plan/project-architecture/derived-data.json"))
            #expect(TestSupport.readText(root + "/elsewhere/keep.json") == "keep")
            #expect(Set(FileSystem.listDirectory(store.directory)).isSubset(of: [".gitignore", ".lock", "stats.json"]))

            #expect(symlink("../..", store.directory + "/lib") == 0)
            #expect(try store.clear(module: "lib") == 0)
            #expect(!FileSystem.exists(store.directory + "/lib") && FileSystem.isDirectory(root + "/project/lib"))
        }
    }

    // MARK: Helpers

    /// A project of one module `lib` with one input file; its layout.
    static func project(_ root: String) throws -> ProjectLayout {
        TestSupport.write(#"{"modules": {"lib": {"name": "lib", "paths": {"module": "lib", "sources": ["lib/src"]}, "commands": {"verify": "true"}}}}"#,
                          to: root + "/.plan/project-architecture/derived-data.json")
        TestSupport.write("lib", to: root + "/lib/src/L.txt")
        return ProjectLayout(projectDir: root)
    }

    static func incrementalRun(_ layout: ProjectLayout) throws -> IncrementalRun {
        let architecture = try ProjectArchitecture.load(layout)
        let plan = try OrchestrationPlan.make(command: "verify", modules: nil, architecture: architecture)
        return try IncrementalRun(plan: plan, architecture: architecture, layout: layout, settings: .init(), request: .init())
    }
}
