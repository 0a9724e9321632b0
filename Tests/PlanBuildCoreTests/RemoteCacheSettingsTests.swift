import Testing
@testable import PlanBuildSupport
@testable import PlanBuildCache

/// The remote cache's configuration and the shared record's extra fields; the protocol
/// itself runs against a real nginx in Tests/e2e/test_remote_cache_maven.py.
@Suite struct RemoteCacheSettingsTests {
    @Test func theFileObjectIsReadWithItsDefaults() throws {
        let parsed = RemoteCacheSettings.parse(JSONObject([("url", "http://cache:8080/pb")]))
        #expect(parsed?.url == "http://cache:8080/pb")
        #expect(parsed?.read == true && parsed?.write == false)
        #expect(parsed?.tokenEnvironment == "PLANBUILD_CACHE_TOKEN" && parsed?.timeoutSeconds == 5)
        let full = RemoteCacheSettings.parse(JSONObject([("url", "https://c/"), ("read", false), ("write", true),
                                                         ("token_env", "CI_TOKEN"), ("timeout_seconds", .double(2.5))]))
        #expect(full?.read == false && full?.write == true && full?.tokenEnvironment == "CI_TOKEN" && full?.timeoutSeconds == 2.5)
        #expect(RemoteCacheSettings.parse(JSONObject([("read", true)])) == nil)
        #expect(RemoteCacheSettings.parse(nil) == nil)
    }

    @Test func theDeadlineAndTheBudgetAreBounded() throws {
        let defaults = try #require(RemoteCacheSettings.parse(JSONObject([("url", "http://c")])))
        #expect(defaults.timeoutSeconds == 5 && defaults.budgetSeconds == 120)
        let large = try #require(RemoteCacheSettings.parse(JSONObject([("url", "http://c"), ("timeout_seconds", 36_000),
                                                                       ("budget_seconds", .double(1e300))])))
        #expect(large.timeoutSeconds == 600 && large.budgetSeconds == 3600)
        let invalid = try #require(RemoteCacheSettings.parse(JSONObject([("url", "http://c"), ("timeout_seconds", -1),
                                                                         ("budget_seconds", 0)])))
        #expect(invalid.timeoutSeconds == 5 && invalid.budgetSeconds == 120)
    }

    @Test func optionsOverrideTheFile() throws {
        var file = RemoteCacheSettings(url: "http://file")
        file.read = true
        let resolved = RemoteCacheSettings.resolve(file: file, url: "http://option", write: true)
        #expect(resolved?.url == "http://option" && resolved?.write == true)
        #expect(RemoteCacheSettings.resolve(file: nil, url: "http://only", write: false)?.write == false)
    }

    @Test func onlyHTTPURLsAreUsed() throws {
        guard case .success(let base) = RemoteCacheSettings(url: "http://cache/pb//").baseURL else { Issue.record("rejected"); return }
        #expect(base == "http://cache/pb")
        guard case .failure(let error) = RemoteCacheSettings(url: "ftp://cache").baseURL else { Issue.record("accepted ftp"); return }
        #expect(error.message.contains("http://"))
    }

    @Test func sharedRecordsCarryContentHashes() throws {
        var record = CacheRecord(module: "core", command: "package", commandLine: "mvn package", inputDigest: "i",
                                 moduleDigest: "m", globalDigest: "g", dependencyDigests: [:], durationMilliseconds: 1000,
                                 tests: nil, warnings: 0, logFile: ".plan/temp/build-output/core/maven.log",
                                 artifacts: [CacheRecord.Artifact(path: "core/target/core.jar", size: 3, sha256: String(repeating: "a", count: 64))],
                                 recordedAt: 1_800_000_000)
        record.logDigest = String(repeating: "b", count: 64)
        #expect(CacheRecord(json: .object(record.json)) == record)
        #expect(record.json["log_sha256"]?.stringValue == record.logDigest)
    }
}
