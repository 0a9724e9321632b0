import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildCache

/// The rules a record from the remote cache must meet before anything of it is used
/// (RemoteRecord.check against DeclaredOutputs); the hostile server's view of the same rules is
/// Tests/e2e/test_remote_cache_hostile.py.
@Suite struct RemoteRecordTests {
    static let digest = String(repeating: "d", count: 64)
    static let blob = String(repeating: "a", count: 64)
    static let build = PlannedBuild(module: "core", command: "package", commandLine: "mvn package", dependencies: [])

    static func module(_ json: String) throws -> ProjectArchitecture.Module {
        let document = try JSONParser.parse(bytes: Array("{\"modules\": {\"core\": \(json)}}".utf8))
        return try ProjectArchitecture(document: document).modules[0]
    }

    static let maven = try! module(#"{"build_systems": ["maven"], "paths": {"module": "core"}}"#)

    static func record(artifacts: JSONValue?, log: [(String, JSONValue)] = []) -> [UInt8] {
        var object = CacheRecord(module: "core", command: "package", commandLine: "mvn package", inputDigest: digest,
                                 moduleDigest: "m", globalDigest: "g", dependencyDigests: [:], durationMilliseconds: 1000,
                                 tests: nil, warnings: 0, logFile: nil, artifacts: [], recordedAt: 1_800_000_000).json
        object["artifacts"] = nil
        if let artifacts { object["artifacts"] = artifacts }
        for (key, value) in log { object[key] = value }
        return Array(JSONWriter.write(.object(object)).utf8)
    }

    static func artifact(_ path: String, size: Int = 3, sha256: String = blob) -> JSONValue {
        .object(JSONObject([("path", .string(path)), ("size", .int(size)), ("sha256", .string(sha256))]))
    }

    func check(_ bytes: [UInt8], module: ProjectArchitecture.Module = maven) -> Result<RemoteRecord, RemoteRecord.Refusal> {
        let outputs = DeclaredOutputs.of(module, projectDirectory: "/nonexistent")
        do {
            return .success(try RemoteRecord.check(bytes, inputDigest: Self.digest, build: Self.build, outputs: outputs))
        } catch {
            return .failure(error)
        }
    }

    func refusal(_ bytes: [UInt8], module: ProjectArchitecture.Module = maven) -> String? {
        if case .failure(let refusal) = check(bytes, module: module) { return refusal.reason }
        return nil
    }

    @Test func aRecordOfDeclaredOutputsIsAccepted() throws {
        let bytes = Self.record(artifacts: .array([Self.artifact("core/target/core-1.0.jar"), Self.artifact("core/target/core-1.0.pom")]),
                                log: [("log_file", "maven-2030-01-01-000000.log"), ("log_sha256", .string(Self.blob)), ("log_size", 9)])
        guard case .success(let remote) = check(bytes) else { Issue.record("refused: \(refusal(bytes) ?? "")"); return }
        #expect(remote.artifacts.map(\.path) == ["core/target/core-1.0.jar", "core/target/core-1.0.pom"])
        #expect(remote.artifacts[0].folder == "core/target" && remote.artifacts[0].name == "core-1.0.jar")
        #expect(remote.log == RemoteRecord.File(folder: "", name: "maven-2030-01-01-000000.log", size: 9, sha256: Self.blob))
    }

    @Test(arguments: [
        "pom.xml", "core/pom.xml", "core/src/main/java/A.java", "service/target/service.jar", ".gitignore",
        ".github/workflows/x.yml", ".plan/run-configuration.json", ".plan-ci/run-configuration.json",
        "/etc/passwd", "core/target/../../pom.xml", "core/target/sub/core.jar", "core/target/.hidden.jar",
        "./core/target/core.jar", "core//target/core.jar", "core/target/", "core/target/core.txt", "target/core.jar",
        "docs/x", "core/target/core.jar/x", "",
    ])
    func anyOtherPathRefusesTheWholeRecord(path: String) throws {
        let bytes = Self.record(artifacts: .array([Self.artifact("core/target/core-1.0.jar"), Self.artifact(path)]))
        let reason = try #require(refusal(bytes))
        #expect(reason.contains("not one of its declared outputs") || reason.contains("without a path"), "\(reason)")
    }

    @Test func aRecordMustListItsArtifacts() throws {
        for artifacts: JSONValue? in [nil, .null, .array([]), .string("core/target/core-1.0.jar"), .int(1)] {
            let reason = try #require(refusal(Self.record(artifacts: artifacts)))
            #expect(reason.contains("lists no artifact"), "\(reason)")
        }
        // Each with its size and hash, each once.
        let incomplete: [JSONValue] = [
            .object(JSONObject([("path", "core/target/core.jar")])),
            .object(JSONObject([("path", "core/target/core.jar"), ("size", 3)])),
            Self.artifact("core/target/core.jar", size: -1),
            Self.artifact("core/target/core.jar", size: Int(RemoteRecord.maximumFileSize) + 1),
            Self.artifact("core/target/core.jar", sha256: "ABC"),
            Self.artifact("core/target/core.jar", sha256: String(repeating: "A", count: 64)),
        ]
        for entry in incomplete {
            #expect(refusal(Self.record(artifacts: .array([entry]))) != nil, "\(entry)")
        }
        let twice = Self.record(artifacts: .array([Self.artifact("core/target/core.jar"), Self.artifact("core/target/core.jar")]))
        #expect(refusal(twice)?.contains("twice") == true)
    }

    @Test func theLogIsAPlainFileNameWithItsSizeAndHash() throws {
        let jar = JSONValue.array([Self.artifact("core/target/core.jar")])
        for name in ["../../pom.xml", "core/maven.log", "/tmp/x.log", ".hidden.log", "maven.txt", ".log", "a b.log", "x\n.log"] {
            let bytes = Self.record(artifacts: jar, log: [("log_file", .string(name)), ("log_sha256", .string(Self.blob)), ("log_size", 1)])
            #expect(refusal(bytes)?.contains("not a plain *.log file name") == true, "\(name)")
        }
        let unsized = Self.record(artifacts: jar, log: [("log_file", "maven.log"), ("log_sha256", .string(Self.blob))])
        #expect(refusal(unsized)?.contains("size") == true)
        let hashOnly = Self.record(artifacts: jar, log: [("log_sha256", .string(Self.blob)), ("log_size", 1)])
        #expect(refusal(hashOnly) != nil)
    }

    @Test func aRecordOfAnotherBuildIsRefused() throws {
        let other = PlannedBuild(module: "service", command: "package", commandLine: "mvn package", dependencies: [])
        let outputs = DeclaredOutputs.of(Self.maven, projectDirectory: "/nonexistent")
        let bytes = Self.record(artifacts: .array([Self.artifact("core/target/core.jar")]))
        #expect(throws: RemoteRecord.Refusal.self) {
            try RemoteRecord.check(bytes, inputDigest: Self.digest, build: other, outputs: outputs)
        }
        #expect(throws: RemoteRecord.Refusal.self) {
            try RemoteRecord.check(bytes, inputDigest: String(repeating: "e", count: 64), build: Self.build, outputs: outputs)
        }
        #expect(throws: RemoteRecord.Refusal.self) {
            try RemoteRecord.check(Array("[1]".utf8), inputDigest: Self.digest, build: Self.build, outputs: outputs)
        }
    }

    @Test func declaredOutputsPerBuildSystem() throws {
        let gradle = try Self.module(#"{"build_systems": ["gradle"], "paths": {"module": "core"}}"#)
        #expect(DeclaredOutputs.of(gradle, projectDirectory: "/nonexistent").pattern(of: "core/build/libs/core.jar") != nil)
        #expect(DeclaredOutputs.of(gradle, projectDirectory: "/nonexistent").pattern(of: "core/build/classes/A.class") == nil)
        let root = try Self.module(#"{"build_systems": ["maven"], "paths": {"module": "."}}"#)
        let rootOutputs = DeclaredOutputs.of(root, projectDirectory: "/nonexistent")
        #expect(rootOutputs.pattern(of: "target/app.war") != nil)
        #expect(rootOutputs.pattern(of: "core/target/core.jar") == nil) // another module's folder
        let outside = try Self.module(#"{"build_systems": ["maven"], "paths": {"module": "../elsewhere"}}"#)
        #expect(DeclaredOutputs.of(outside, projectDirectory: "/nonexistent").patterns.isEmpty)
    }

    @Test func npmMainIsExpectedExactly() throws {
        try TestSupport.withTemporaryDirectory { project in
            TestSupport.write(#"{"main": "dist/index.js", "files": ["dist/*.d.ts", "lib"]}"#, to: "\(project)/web/package.json")
            let npm = try Self.module(#"{"build_systems": ["npm"], "paths": {"module": "web"}}"#)
            let outputs = DeclaredOutputs.of(npm, projectDirectory: project)
            #expect(outputs.pattern(of: "web/dist/index.js") != nil && outputs.pattern(of: "web/dist/index.d.ts") != nil)
            #expect(outputs.pattern(of: "web/dist/other.js") == nil && outputs.pattern(of: "web/package.json") == nil)
            let webBuild = PlannedBuild(module: "core", command: "package", commandLine: "mvn package", dependencies: [])
            let withoutMain = Self.record(artifacts: .array([Self.artifact("web/dist/index.d.ts")]))
            do throws(RemoteRecord.Refusal) {
                _ = try RemoteRecord.check(withoutMain, inputDigest: Self.digest, build: webBuild, outputs: outputs)
                Issue.record("a record without the declared main was accepted")
            } catch {
                #expect(error.reason.contains("does not list web/dist/index.js"))
            }
        }
    }
}
