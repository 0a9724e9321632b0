import Dispatch
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildConfiguration

/// The shared locked-write helper: symlinks, mode and owner, read-only
/// files, stale temporary files, values it does not own kept byte for byte, concurrent writers.
@Suite struct LockedJSONFileTests {
    /// Adds `key: 1` under "commands".
    static func add(_ key: String, to file: LockedJSONFile) throws(PlanBuildError) {
        try file.modify { document in
            var commands = document["commands"]?.objectValue ?? JSONObject()
            commands[key] = .object(JSONObject([("timeout_seconds", 1)]))
            document["commands"] = .object(commands)
            return true
        }
    }

    static func mode(_ path: String) -> UInt32 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt32(info.st_mode & 0o7777) : 0
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    @Test func writesGoThroughASymlinkToItsTarget() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let shared = "\(dir)/shared/run-configuration.json"
            TestSupport.write("{\"version\": 1, \"commands\": {}}\n", to: shared)
            let link = "\(dir)/project/.plan/run-configuration.json"
            try FileSystem.makeDirectories("\(dir)/project/.plan")
            #expect(symlink("../../shared/run-configuration.json", link) == 0)

            try Self.add("maven:verify", to: LockedJSONFile(path: link))
            #expect(Self.isSymbolicLink(link))
            #expect(try JSONParser.parse(TestSupport.readText(shared))["commands"]?["maven:verify"] != nil)
            // The temporary file lived beside the target and is gone; nothing was left beside the link.
            #expect(FileSystem.listDirectory("\(dir)/shared") == ["run-configuration.json"])
            #expect(FileSystem.listDirectory("\(dir)/project/.plan") == ["run-configuration.json"])
        }
    }

    @Test func aDanglingSymlinkCreatesItsTarget() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            try FileSystem.makeDirectories("\(dir)/shared")
            let link = "\(dir)/run-configuration.json"
            #expect(symlink("\(dir)/shared/run-configuration.json", link) == 0)
            try Self.add("k", to: LockedJSONFile(path: link))
            #expect(Self.isSymbolicLink(link))
            #expect(FileSystem.isRegularFile("\(dir)/shared/run-configuration.json"))
        }
    }

    @Test func keepsTheModeOfTheFile() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let path = "\(dir)/run-configuration.json"
            TestSupport.write("{}", to: path)
            #expect(chmod(path, 0o600) == 0)
            try Self.add("a", to: LockedJSONFile(path: path))
            #expect(Self.mode(path) == 0o600)
            #expect(chmod(path, 0o640) == 0)
            try Self.add("b", to: LockedJSONFile(path: path))
            #expect(Self.mode(path) == 0o640)
        }
    }

    @Test func keepsTheOwnerOfTheFile() throws {
        // Only root can give a file to someone else, so only root can see an owner change.
        guard geteuid() == 0 else { return }
        try TestSupport.withTemporaryDirectory { dir throws in
            let path = "\(dir)/run-configuration.json"
            TestSupport.write("{}", to: path)
            #expect(chown(path, 4321, 4322) == 0)
            try Self.add("a", to: LockedJSONFile(path: path))
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_uid == 4321 && info.st_gid == 4322)
        }
    }

    @Test func refusesAReadOnlyFileAndLeavesItAlone() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let path = "\(dir)/run-configuration.json"
            let original = "{\"commands\": {}, \"x\": 1}"
            TestSupport.write(original, to: path)
            #expect(chmod(path, 0o444) == 0)
            let file = LockedJSONFile(path: path)
            #expect(throws: PlanBuildError.self) { try Self.add("a", to: file) }
            do throws(PlanBuildError) {
                try Self.add("a", to: file)
            } catch {
                #expect(error.code == .configurationInvalid)
                #expect(error.message.contains("read-only"))
                #expect(error.message.contains(path))
            }
            #expect(TestSupport.readText(path) == original)
            #expect(Self.mode(path) == 0o444)
            #expect(FileSystem.listDirectory(dir) == ["run-configuration.json"])
        }
    }

    @Test func removesTemporaryFilesOfDeadWriters() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let path = "\(dir)/run-configuration.json"
            // A pid no process has: the highest free one below pid_max.
            var dead: Int32 = 4_000_000
            while dead > 2 && !(kill(dead, 0) != 0 && errno == ESRCH) { dead -= 1 }
            let stale = "\(path).tmp-\(dead)-12345"
            let live = "\(path).tmp-\(getpid())-999"  // a writer that is still running: kept
            let other = "\(dir)/other.json.tmp-\(dead)-1"  // another file's: not ours to judge
            for leftover in [stale, live, other] { TestSupport.write("{\"partial", to: leftover) }

            try Self.add("a", to: LockedJSONFile(path: path))
            #expect(!FileSystem.exists(stale))
            #expect(FileSystem.exists(live))
            #expect(FileSystem.exists(other))
        }
    }

    @Test func keepsValuesItDoesNotOwnByteForByte() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let path = "\(dir)/run-configuration.json"
            let foreign = #"{"big": 12345678901234567890, "huge": 1e400, "lone": "\ud800", "pair": "\ud83d\ude00", "# +
                #""escaped": "caf\u00e9 \/ \"q\"", "raw": "café", "minus_zero": -0, "decimal": 1.50, "# +
                #""exponent": 2E+3, "list": [1.0, 12345678901234567890, "\udfff"], "\u006bey": true}"#
            TestSupport.write(#"{"version": 1, "commands": {"a": {"timeout_seconds": 5, "note": 1e400}}, "foreign": "# + foreign + "}", to: path)

            try Self.add("b", to: LockedJSONFile(path: path))
            let written = TestSupport.readText(path)
            for member in [#""big": 12345678901234567890"#, #""huge": 1e400"#, #""lone": "\ud800""#,
                           #""pair": "\ud83d\ude00""#, #""escaped": "caf\u00e9 \/ \"q\"""#, #""raw": "café""#,
                           #""minus_zero": -0"#, #""decimal": 1.50"#, #""exponent": 2E+3"#, #""note": 1e400"#,
                           #"12345678901234567890,"#, #""\udfff""#, #""\u006bey": true"#] {
                #expect(written.contains(member), "\(member) not kept in \(written)")
            }
            // What PlanBuild changed is written its own way.
            #expect(written.contains(#""b": {"#))
            #expect(try JSONParser.parse(written)["commands"]?["b"]?["timeout_seconds"] == 1)
        }
    }

    @Test func aChangedValueIsWrittenAnew() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let path = "\(dir)/run-configuration.json"
            TestSupport.write(#"{"commands": {"k": {"timeout_seconds": 1.0e2}}}"#, to: path)
            try RunConfiguration(layout: ProjectLayout(projectDir: dir, planDirName: ".")).recordDuration(50, for: "k")
            #expect(TestSupport.readText(path).contains(#""timeout_seconds": 90"#))  // int(0.8 × 100 + 0.2 × 50)
        }
    }

    @Test func concurrentWritersThroughALinkAndTheTargetLoseNothing() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let target = "\(dir)/shared/run-configuration.json"
            try FileSystem.makeDirectories("\(dir)/shared")
            let link = "\(dir)/run-configuration.json"
            #expect(symlink(target, link) == 0)
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 24) { index in
                do throws(PlanBuildError) {
                    try Self.add("k\(index)", to: LockedJSONFile(path: index % 2 == 0 ? link : target))
                } catch {
                    failures.add(error.message)
                }
            }
            #expect(failures.messages.isEmpty)
            let commands = try JSONParser.parse(TestSupport.readText(target))["commands"]?.objectValue
            #expect(commands?.count == 24)
            #expect(Self.isSymbolicLink(link))
        }
    }

    // MARK: Files never reached through a link (the build cache's)

    @Test func aFileNamedInItsFolderReplacesALinkAndLeavesItsTargetAlone() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            TestSupport.write("secret\n", to: "\(dir)/target")
            try FileSystem.makeDirectories("\(dir)/cache")
            #expect(symlink("\(dir)/target", "\(dir)/cache/stats.json") == 0)
            let file = LockedJSONFile(name: "stats.json", in: try DirectoryHandle.open("\(dir)/cache"), errorCode: .cacheUnavailable)
            #expect(throws: PlanBuildError.self) { _ = try file.read() }
            let note = try file.replace { bytes in
                #expect(bytes == nil)
                return JSONObject([("a", 1)])
            }
            #expect(note?.contains("symbolic link") == true)
            #expect(TestSupport.readText("\(dir)/target") == "secret\n")
            #expect(!Self.isSymbolicLink("\(dir)/cache/stats.json"))
            #expect(try file.read()?["a"] == 1)
            #expect(try file.replace { _ in JSONObject([("a", 2)]) } == nil)
        }
    }

    @Test func concurrentWritersOfAFileNamedInItsFolderLoseNothing() throws {
        try TestSupport.withTemporaryDirectory("pbconcurrent", in: TestSupport.memoryBackedBase) { dir throws in
            let folder = try DirectoryHandle.open(dir)
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 24) { index in
                do throws(PlanBuildError) {
                    // One handle shared by every thread: the lock must still exclude them.
                    try Self.add("k\(index)", to: LockedJSONFile(name: "stats.json", in: folder, errorCode: .cacheUnavailable))
                } catch {
                    failures.add(error.message)
                }
            }
            #expect(failures.messages.isEmpty)
            #expect(try JSONParser.parse(TestSupport.readText("\(dir)/stats.json"))["commands"]?.objectValue?.count == 24)
        }
    }

    @Test func aFIFOInPlaceOfTheFileIsRefusedWithoutWaiting() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let path = "\(dir)/run-configuration.json"
            #expect(mkfifo(path, 0o600) == 0)
            // Through a path (links followed): an error, and the FIFO stays.
            #expect(throws: PlanBuildError.self) { try Self.add("a", to: LockedJSONFile(path: path)) }
            #expect(throws: PlanBuildError.self) { _ = try LockedJSONFile(path: path).read() }
            // Named in its folder: refused and replaced.
            let file = LockedJSONFile(name: "run-configuration.json", in: try DirectoryHandle.open(dir), errorCode: .cacheUnavailable)
            #expect(try file.modify { document in document["a"] = 1; return true }?.contains("not a regular file") == true)
            #expect(FileSystem.isRegularFile(path))
        }
    }

    /// `ext_defaults_set` with a value past the 64 MiB PlanBuild reads made every later build fail;
    /// such a write is refused and nothing changes.
    @Test func aWritePastTheReadLimitIsRefusedAndChangesNothing() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            TestSupport.write(#"{"version": 1, "extension_defaults": {"small": 1}}"#, to: layout.runConfigurationPath)
            let before = TestSupport.readBytes(layout.runConfigurationPath)
            let huge = String(repeating: "x", count: LockedJSONFile.readLimit)
            do throws(PlanBuildError) {
                _ = try RunConfigEdit.defaultsSet(key: "big", value: .json(.string(huge))).perform(in: layout)
                Issue.record("a write past the read limit was accepted")
            } catch {
                #expect(error.code == .invalidValue)
                #expect(error.message.contains("64 MiB"))
            }
            #expect(TestSupport.readBytes(layout.runConfigurationPath) == before)
            #expect(FileSystem.listDirectory(FileSystem.directoryName(layout.runConfigurationPath)) == ["run-configuration.json"])
            // A value that fits is still written.
            _ = try RunConfigEdit.defaultsSet(key: "fits", value: .json(.string(String(repeating: "y", count: 1 << 20)))).perform(in: layout)
            #expect(try RunConfiguration(layout: layout).load()["extension_defaults"]?["fits"] != nil)
        }
    }
}

/// Failures collected from worker threads.
final class Failures: @unchecked Sendable {
    private var list: [String] = []
    private let lock = DispatchSemaphore(value: 1)
    func add(_ message: String) { lock.wait(); list.append(message); lock.signal() }
    var messages: [String] { lock.wait(); defer { lock.signal() }; return list }
}
