import Foundation
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildCache

/// A warm watcher's remembered records and settled manifests (RememberedRecords) must decide
/// exactly as a cold run does, whatever another process does to the cache's files meanwhile
/// (rewrites a record, edits one in place with the same size and its mtime put back, removes the
/// cache, puts a link where a module's folder was) and whatever changes below a settled module.
/// Each step compares the warm decision with a cold one, after making sure the warm one came from
/// memory where nothing changed.
@Suite(.serialized) struct RememberedRecordsTests {
    static let modules = [
        "core": #"{"paths": {"module": "core"}, "build_systems": ["maven"], "commands": {"verify": "true"}}"#,
        "web": #"{"paths": {"module": "web"}, "dependencies": ["core"], "commands": {"verify": "true"}}"#,
    ]

    /// The warm decision (through `watcher`) and the cold one, expected equal, problems included.
    @discardableResult
    static func decide(_ cache: IncrementalTestProject, _ watcher: ProjectWatcher, _ step: String) throws -> [String] {
        var request = IncrementalRun.Request()
        request.watcher = watcher
        let warm = try IncrementalRun(plan: cache.plan, architecture: cache.architecture, layout: cache.layout, settings: .init(),
                                      request: request)
        let cold = try cache.run()
        #expect(ProjectWatcherTests.decisions(warm) == ProjectWatcherTests.decisions(cold), "\(step)")
        #expect(warm.problems == cold.problems, "\(step)")
        return ProjectWatcherTests.decisions(warm).map { String($0.split(separator: " ")[0]) }
    }

    /// Records every build and waits out the racy window (FileIdentity.isRacy) before and after,
    /// so that no input is recorded smudged and the next warm decision remembers the records and
    /// settles the modules; the one after is from memory.
    static func recordAndRemember(_ cache: IncrementalTestProject, _ watcher: ProjectWatcher, _ step: String) throws {
        usleep(250_000)
        try cache.recordAll()
        usleep(250_000)
        try decide(cache, watcher, step + ": remembering")
        #expect(watcher.records.settledModules == ["core", "web"], "\(step)")
        #expect(try decide(cache, watcher, step + ": from memory") == ["hit", "hit"], "\(step)")
    }

    static func makeProject(_ project: String) throws -> (IncrementalTestProject, ProjectWatcher) {
        TestSupport.write("class A {}\n", to: project + "/core/src/A.java")
        TestSupport.write("export const b = 1;\n", to: project + "/web/src/b.js")
        let cache = try IncrementalTestProject(project, modules: Self.modules)
        let outputFolders = BuildInputs.outputFolders(of: cache.architecture.modules, planDirName: cache.layout.planDirName)
        return (cache, ProjectWatcher(projectDirectory: project, outputFolders: outputFolders))
    }

    /// Writes `bytes` over the start of the file in place (same inode), then puts its times back.
    static func overwriteInPlace(_ path: String, _ change: (inout [UInt8]) -> Void) {
        var info = stat()
        guard lstat(path, &info) == 0 else { Issue.record("no \(path)"); return }
        var bytes = TestSupport.readBytes(path)
        change(&bytes)
        let handle = open(path, O_WRONLY)
        _ = bytes.withUnsafeBytes { write(handle, $0.baseAddress, $0.count) }
        close(handle)
        var times = [info.st_atim, info.st_mtim]
        _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
    }

    @Test func theCacheChangedBehindTheWatchersBackIsReadAgain() throws {
        try TestSupport.withTemporaryDirectory("pbremember") { project in
            let (cache, watcher) = try Self.makeProject(project)
            let folder = project + "/.plan/build-cache"
            try Self.recordAndRemember(cache, watcher, "first")

            // Another process rewrites a record (a new file renamed over it): not a record any more.
            TestSupport.write("{}\n", to: folder + "/core/verify.json")
            #expect(try Self.decide(cache, watcher, "record rewritten").first == "no_record")

            // A record edited in place, same size, mtime put back: its digest no longer the inputs'.
            try Self.recordAndRemember(cache, watcher, "recorded again")
            Self.overwriteInPlace(folder + "/web/verify.json") { bytes in
                let key = Array("\"input_digest\": \"".utf8)
                guard let start = bytes.indices.first(where: { bytes[$0...].starts(with: key) }) else { return }
                let digit = start + key.count
                bytes[digit] = bytes[digit] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            }
            #expect(try Self.decide(cache, watcher, "record edited in place") != ["hit", "hit"])

            // A module manifest edited in place: the settled manifest is not used.
            try Self.recordAndRemember(cache, watcher, "recorded after the edit")
            // The first entry's size (the line after the digest: hash, size, …): both read it.
            Self.overwriteInPlace(folder + "/core/verify.manifest") { bytes in
                guard let line = bytes.firstIndex(of: UInt8(ascii: "\n")),
                      let tab = bytes[line...].firstIndex(of: UInt8(ascii: "\t")) else { return }
                bytes[tab + 1] = bytes[tab + 1] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            }
            try Self.decide(cache, watcher, "manifest edited in place")

            // The whole cache removed.
            try Self.recordAndRemember(cache, watcher, "before removing")
            try FileManager.default.removeItem(atPath: folder)
            #expect(try Self.decide(cache, watcher, "cache removed") == ["no_record", "no_record"])

            // A module's folder replaced by a link to a copy of it: refused as the cold run refuses it.
            try Self.recordAndRemember(cache, watcher, "recorded anew")
            #expect(rename(folder + "/web", folder + "/web-copy") == 0)
            #expect(symlink("web-copy", folder + "/web") == 0)
            #expect(try Self.decide(cache, watcher, "module folder a link") != ["hit", "hit"])
        }
    }

    @Test func aSettledModuleIsDecidedAgainAfterAChangeBelowItOrInTheProjectWideInputs() throws {
        try TestSupport.withTemporaryDirectory("pbremember-change") { project in
            let (cache, watcher) = try Self.makeProject(project)
            try Self.recordAndRemember(cache, watcher, "first")

            // Same size, mtime put back: only the watcher's event tells.
            Self.overwriteInPlace(project + "/core/src/A.java") { bytes in bytes[0] = UInt8(ascii: "k") }
            #expect(try Self.decide(cache, watcher, "core edited") == ["inputs_changed", "dependency_changed"])

            try Self.recordAndRemember(cache, watcher, "recorded after the edit")
            TestSupport.write("export const c = 2;\n", to: project + "/web/src/deeper/c.js")
            #expect(try Self.decide(cache, watcher, "web file added") == ["hit", "inputs_changed"])

            try Self.recordAndRemember(cache, watcher, "recorded after the addition")
            TestSupport.write("<project/>\n", to: project + "/pom.xml")
            #expect(try Self.decide(cache, watcher, "project-wide file added") == ["global_input_changed", "global_input_changed"])

            try Self.recordAndRemember(cache, watcher, "recorded after the project-wide file")
            #expect(rename(project + "/web/src", project + "/web/moved") == 0)
            try Self.decide(cache, watcher, "web's folder moved")
        }
    }
}
