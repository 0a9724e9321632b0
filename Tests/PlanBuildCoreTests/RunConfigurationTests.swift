import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildConfiguration

/// `.plan/run-configuration.json`: learned timeouts, preserved foreign keys, safe concurrent writes.
@Suite struct RunConfigurationTests {
    static func configuration(_ dir: String, _ text: String? = nil) -> RunConfiguration {
        let layout = ProjectLayout(projectDir: dir)
        if let text { TestSupport.write(text, to: layout.runConfigurationPath) }
        return RunConfiguration(layout: layout)
    }

    @Test func setThenGet() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let configuration = Self.configuration(dir)
            #expect(try configuration.timeout(for: "maven:verify", default: 300) ==
                    RunConfiguration.TimeoutLookup(seconds: 300, learned: nil, keyUsed: nil))

            let first = try configuration.recordDuration(200, for: "maven:verify")
            #expect(first.seconds == 200)
            #expect(first.previous == nil)
            #expect(first.source == "initial")
            #expect(try configuration.timeout(for: "maven:verify", default: 300) ==
                    RunConfiguration.TimeoutLookup(seconds: 250, learned: 200, keyUsed: "maven:verify"))

            let second = try configuration.recordDuration(100, for: "maven:verify")
            #expect(second.seconds == 180) // int(0.8 × 200 + 0.2 × 100)
            #expect(second.previous == 200)
            #expect(second.source == "computed")
            #expect(try configuration.timeout(for: "maven:verify", default: 300).seconds == 225)

            // The file is what Python's run_config writes: {"version": 1, "commands": {KEY: {"timeout_seconds": N}}}.
            let document = try JSONParser.parse(TestSupport.readText(configuration.path))
            #expect(document["version"] == 1)
            #expect(document["commands"]?["maven:verify"]?["timeout_seconds"] == 180)
        }
    }

    /// A learned value that stays as it is is not written again: the file is the same one (its
    /// inode), not a new one renamed over it.
    @Test func anUnchangedLearnedValueLeavesTheFileAlone() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let configuration = Self.configuration(dir)
            try configuration.recordDuration(200, for: "maven:verify")
            func inode() -> UInt {
                var status = stat()
                #expect(stat(configuration.path, &status) == 0)
                return UInt(status.st_ino)
            }
            let before = inode()
            let same = try configuration.recordDuration(200, for: "maven:verify")  // int(0.8 × 200 + 0.2 × 200)
            #expect(same.seconds == 200 && same.previous == 200)
            #expect(inode() == before)
            let changed = try configuration.recordDuration(100, for: "maven:verify")
            #expect(changed.seconds == 180)
            #expect(inode() != before)
            #expect(try configuration.timeout(for: "maven:verify", default: 300).seconds == 225)
        }
    }

    @Test func unknownKeysArePreserved() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let original = """
            {
              "version": 1,
              "owner_setting": {"nested": [1, "two", {"three": null}], "flag": true},
              "commands": {
                "maven:verify": {"timeout_seconds": 10, "note": "keep me", "extra": [1, 2]},
                "npm:run_test": {"timeout_seconds": 60}
              },
              "maven": {"acceptable_warnings": ["^\\\\[deprecation\\\\]"]},
              "zzz_last": 3.5
            }
            """
            let configuration = Self.configuration(dir, original)
            let before = try JSONParser.parse(original).objectValue!
            try configuration.recordDuration(50, for: "maven:verify")
            try configuration.recordDuration(7, for: "gradle:build")

            let after = try JSONParser.parse(TestSupport.readText(configuration.path)).objectValue!
            #expect(after.keys == ["version", "owner_setting", "commands", "maven", "zzz_last"])
            #expect(after["owner_setting"] == before["owner_setting"])
            #expect(after["maven"] == before["maven"])
            #expect(after["zzz_last"] == before["zzz_last"])
            let verify = after["commands"]?["maven:verify"]?.objectValue
            #expect(verify?["timeout_seconds"] == 42) // int(0.8 × 50 + 0.2 × 10)
            #expect(verify?["note"] == "keep me")
            #expect(verify?["extra"] == [1, 2])
            #expect(after["commands"]?["npm:run_test"] == ["timeout_seconds": 60])
            #expect(after["commands"]?["gradle:build"] == ["timeout_seconds": 7])
        }
    }

    @Test func legacyKeyIsReadWhenTheNewKeyHasNone() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let configuration = Self.configuration(dir, #"{"version": 1, "commands": {"maven:verify": {"timeout_seconds": 200}}}"#)
            let arguments = try CommandArguments(system: .maven, commandArgs: "verify -pl core")
            let lookup = try configuration.timeout(for: arguments.commandKey, fallbackKey: arguments.legacyCommandKey, default: 300)
            #expect(lookup == RunConfiguration.TimeoutLookup(seconds: 250, learned: 200, keyUsed: "maven:verify"))

            // Once the new key has learned something it wins over the legacy key.
            try configuration.recordDuration(100, for: "maven:verify@core")
            let newer = try configuration.timeout(for: arguments.commandKey, fallbackKey: arguments.legacyCommandKey, default: 300)
            #expect(newer == RunConfiguration.TimeoutLookup(seconds: 125, learned: 100, keyUsed: "maven:verify@core"))
        }
    }

    @Test(arguments: [#"{"version": 1, "commands": {"#, "not json at all", #"{"a": 1} trailing"#, "[1, 2]"])
    func malformedFileIsAnErrorAndUntouched(_ text: String) throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let configuration = Self.configuration(dir, text)
            let bytes = TestSupport.readBytes(configuration.path)
            #expect(throws: PlanBuildError.self) { try configuration.timeout(for: "maven:verify", default: 300) }
            #expect(throws: PlanBuildError.self) { try configuration.recordDuration(10, for: "maven:verify") }
            #expect(throws: PlanBuildError.self) { try configuration.recordTimeout(10, for: "maven:verify") }
            #expect(throws: PlanBuildError.self) { try configuration.acceptableWarnings(system: "maven") }
            #expect(TestSupport.readBytes(configuration.path) == bytes)
        }
    }

    @Test(arguments: ["", "  \n\t\n"])
    func emptyFileIsAnError(_ text: String) throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let configuration = Self.configuration(dir, text)
            let error = #expect(throws: PlanBuildError.self) { try configuration.timeout(for: "k", default: 300) }
            #expect(error?.message.contains("empty") == true)
            #expect(throws: PlanBuildError.self) { try configuration.recordDuration(10, for: "k") }
            #expect(TestSupport.readBytes(configuration.path) == Array(text.utf8))
        }
    }

    @Test func commandsThatIsNotAnObjectIsNotOverwritten() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let text = #"{"version": 1, "commands": [1, 2]}"#
            let configuration = Self.configuration(dir, text)
            #expect(throws: PlanBuildError.self) { try configuration.recordDuration(10, for: "k") }
            #expect(TestSupport.readText(configuration.path) == text)
        }
    }

    @Test func concurrentWritersLoseNoUpdate() throws {
        try TestSupport.withTemporaryDirectory("pbconcurrent", in: TestSupport.memoryBackedBase) { dir throws in
            let configuration = Self.configuration(dir, #"{"version": 1, "keep": "me"}"#)
            let failures = Mutex(())
            nonisolated(unsafe) var errors: [String] = []
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for index in 0..<50 {
                    do {
                        try configuration.recordDuration(thread * 100 + index + 1, for: "key-\(thread)-\(index)")
                    } catch {
                        failures.withLock { _ in errors.append("\(error)") }
                    }
                }
            }
            #expect(errors.isEmpty)
            let document = try JSONParser.parse(TestSupport.readText(configuration.path))
            let commands = try #require(document["commands"]?.objectValue)
            #expect(commands.count == 400)
            for thread in 0..<8 {
                for index in 0..<50 {
                    #expect(commands["key-\(thread)-\(index)"]?["timeout_seconds"]?.intValue == thread * 100 + index + 1)
                }
            }
            #expect(document["keep"] == "me")
        }
    }

    @Test func acceptableWarningsInBothShapes() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let configuration = Self.configuration(dir, """
            {"maven": {"acceptable_warnings": ["deprecated", "^\\\\[unchecked\\\\]"]},
             "npm": {"acceptable_warnings": {"lint": ["no-console"], "typescript": ["TS6133", "TS2307"]}}}
            """)
            #expect(try configuration.acceptableWarnings(system: "maven") == ["deprecated", #"^\[unchecked\]"#])
            #expect(try configuration.acceptableWarnings(system: "npm") == ["no-console", "TS6133", "TS2307"])
            #expect(try configuration.acceptableWarnings(system: "gradle") == [])
        }
    }

    @Test func missingFileReadsAsEmpty() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let configuration = Self.configuration(dir)
            #expect(try configuration.load().isEmpty)
            #expect(try configuration.acceptableWarnings(system: "maven") == [])
        }
    }
}
