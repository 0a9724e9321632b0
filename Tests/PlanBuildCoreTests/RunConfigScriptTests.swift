import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildScripts

/// run_config.py as both generations answer it: where the files are, timeouts with an explicit
/// value and what was measured, cleanup by retention, the build queue limit in the per-user file.
@Suite struct RunConfigScriptTests {
    static func run(_ generation: ScriptGeneration, _ arguments: [String], _ environment: [String: String]) -> ScriptReply {
        ScriptEntry.run(ScriptInvocation(script: .runConfig, generation: generation, arguments: arguments, environment: environment))
    }

    @Test func eachGenerationKeepsTheFileWhereItSays() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let spec = Self.run(.spec, ["init"], ["PLAN_BASE_DIR": dir + "/project"])
            #expect(spec.exitCode == 0 && spec.stdout.hasPrefix("{\n  \"success\": true,\n  \"action\": \"created\""))
            #expect(FileSystem.exists(dir + "/project/.plan/run-configuration.json"))
            let today = Self.run(.today, ["init"], ["PLAN_BASE_DIR": dir + "/state"])
            #expect(today.stdout.hasPrefix("status: success\naction: created\n"))
            #expect(FileSystem.exists(dir + "/state/run-configuration.json"))
            #expect(today.data?["structure"]?["version"] == 1)
        }
    }

    @Test func timeoutsExplicitAndMeasured() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let env = ["PLAN_BASE_DIR": dir]
            #expect(Self.run(.today, ["timeout", "measured", "--command", "k"], env).stdout == "status: success\ncommand: k\nmeasured: false\n")
            _ = Self.run(.today, ["timeout", "set", "--command", "k", "--duration", "400"], env)
            #expect(Self.run(.today, ["timeout", "get", "--command", "k", "--default", "60"], env).stdout == "500\n")
            #expect(Self.run(.today, ["timeout", "get", "--command", "k", "--default", "60", "--explicit", "1800"], env).stdout == "1800\n")
            #expect(Self.run(.today, ["timeout", "get", "--command", "k", "--default", "60", "--explicit", "30"], env).stdout == "120\n")
            let measured = Self.run(.today, ["timeout", "measured", "--command", "k"], env)
            #expect(measured.data?["measured"] == true && measured.data?["timeout_seconds"] == 500 && measured.data?["learned_seconds"] == 400)
        }
    }

    @Test func cleanupFollowsMarshalRetention() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let env = ["PLAN_BASE_DIR": dir]
            let refused = Self.run(.today, ["cleanup", "--target", "all"], env)
            #expect(refused.exitCode == 1 && refused.stdout.contains("marshal.json not found"))
            TestSupport.write(#"{"system": {"retention": {"logs_days": 1}}}"#, to: dir + "/marshal.json")
            try FileSystem.makeDirectories(dir + "/temp/sub")
            try FileSystem.makeDirectories(dir + "/plans/p1/build-results/default")
            try FileSystem.makeDirectories(dir + "/logs")
            TestSupport.write("a", to: dir + "/temp/a.txt")
            TestSupport.write("b", to: dir + "/temp/sub/b.txt")
            TestSupport.write("old", to: dir + "/plans/p1/build-results/default/maven-old.log")
            TestSupport.write("new", to: dir + "/plans/p1/build-results/default/maven-new.log")
            TestSupport.write("log", to: dir + "/logs/old.log")
            for old in ["/plans/p1/build-results/default/maven-old.log", "/logs/old.log"] {
                var times = [timespec(tv_sec: time(nil) - 3 * 86_400, tv_nsec: 0), timespec(tv_sec: time(nil) - 3 * 86_400, tv_nsec: 0)]
                _ = utimensat(AT_FDCWD, dir + old, &times, 0)
            }
            // A link in temp/ goes, its target stays.
            TestSupport.write("keep", to: dir + "/outside.txt")
            _ = symlink(dir + "/outside.txt", dir + "/temp/link")
            let dry = Self.run(.today, ["cleanup", "--dry-run"], env)
            #expect(dry.stdout.contains("status: dry_run") && dry.stdout.contains("temp_files: 3") && FileSystem.exists(dir + "/temp/a.txt"))
            let done = Self.run(.today, ["cleanup", "--target", "all"], env)
            #expect(done.data?["temp_files"] == 3 && done.data?["logs_deleted"] == 1 && done.data?["build_results_deleted"] == 1)
            #expect(FileSystem.listDirectory(dir + "/temp").isEmpty && FileSystem.exists(dir + "/outside.txt"))
            #expect(FileSystem.exists(dir + "/plans/p1/build-results/default/maven-new.log"))
            #expect(Self.run(.today, ["cleanup-status"], env).stdout.contains("build_results_total: 1"))
        }
    }

    @Test func buildQueueLimitIsTheServersMaxSlots() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let env = ["XDG_CONFIG_HOME": dir + "/config", "HOME": dir + "/home"]
            #expect(Self.run(.today, ["build-queue-limit", "get"], env).data?["value"] == nil)
            let set = Self.run(.today, ["build-queue-limit", "set", "--value", "3"], env)
            #expect(set.exitCode == 0 && set.data?["value"] == 3)
            let stored = try JSONParser.parse(TestSupport.readText(dir + "/config/planbuild/config.json"))
            #expect(stored["server"]?["max_slots"] == 3)
            #expect(Self.run(.spec, ["build-queue-limit", "set", "--value", "0"], env).exitCode == 1)
            #expect(UserConfiguration.path { $0 == "HOME" ? "/h" : nil } == "/h/.config/planbuild/config.json")
        }
    }

    @Test func architectureRefreshSettings() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let env = ["PLAN_BASE_DIR": dir]
            #expect(Self.run(.today, ["architecture-refresh", "get-tier-0"], env).data?["value"] == "enabled")
            _ = Self.run(.today, ["architecture-refresh", "set-tier-1", "--value", "auto"], env)
            #expect(Self.run(.today, ["architecture-refresh", "get-tier-1"], env).data?["value"] == "auto")
            let refused = Self.run(.today, ["architecture-refresh", "set-tier-0", "--value", "maybe"], env)
            #expect(refused.exitCode == 1 && refused.data?["error"] == "invalid_value")
        }
    }
}
