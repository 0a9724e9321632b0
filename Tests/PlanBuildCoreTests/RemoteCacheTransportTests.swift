import Foundation
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildCache

/// RemoteCache's failure modes through a scripted transport (RemoteTransporting), without a
/// server: what it restores, where, and when it stops asking. The same modes against real
/// servers: Tests/e2e/test_remote_cache_hostile.py.
@Suite struct RemoteCacheTransportTests {
    /// Answers each request as `respond` says; the body of a 200 to a GET goes to the receiver
    /// in 4 KiB pieces, as a real transport would hand it over.
    final class ScriptedTransport: RemoteTransporting, @unchecked Sendable {
        let respond: @Sendable (RemoteRequest) -> (RemoteOutcome, [UInt8])
        private let lock = NSLock()
        private var asked: [RemoteRequest] = []

        init(_ respond: @escaping @Sendable (RemoteRequest) -> (RemoteOutcome, [UInt8])) { self.respond = respond }

        var requests: [RemoteRequest] { lock.withLock { asked } }
        var paths: [String] { requests.map { String($0.url.split(separator: "/", maxSplits: 3).last ?? "") } }

        func perform(_ request: RemoteRequest, receive: (UnsafeRawBufferPointer) -> Bool) -> RemoteOutcome {
            lock.withLock { asked.append(request) }
            let (outcome, body) = respond(request)
            guard request.method == "GET", case .answered(200, _) = outcome else { return outcome }
            var delivered = 0
            while delivered < body.count {
                let piece = Array(body[delivered..<min(delivered + 4096, body.count)])
                guard piece.withUnsafeBytes({ receive($0) }) else { return .stopped }
                delivered += piece.count
            }
            return .answered(status: 200, bytes: Int64(delivered))
        }
    }

    static let digest = String(repeating: "d", count: 64)
    static let build = PlannedBuild(module: "core", command: "package", commandLine: "mvn package", dependencies: [])
    static let jar = Array("the jar\n".utf8)
    static let log = Array("BUILD SUCCESS\n".utf8)

    static func hex(_ bytes: [UInt8]) throws -> String {
        try ContentHasher.shared().hexDigest(of: String(decoding: bytes, as: UTF8.self))
    }

    /// The record of `core`, with `artifacts` (path, content) and the log.
    static func record(_ artifacts: [(String, [UInt8])], log: [UInt8]? = Self.log) throws -> [UInt8] {
        var record = CacheRecord(module: "core", command: "package", commandLine: "mvn package", inputDigest: digest,
                                 moduleDigest: "m", globalDigest: "g", dependencyDigests: [:], durationMilliseconds: 2000,
                                 tests: nil, warnings: 0, logFile: log == nil ? nil : "maven-2030-01-01-000000.log",
                                 artifacts: try artifacts.map { CacheRecord.Artifact(path: $0.0, size: Int64($0.1.count), sha256: try hex($0.1)) },
                                 recordedAt: Int(time(nil)))
        record.logDigest = try log.map(hex)
        var json = record.json
        if let log { json["log_size"] = .int(log.count) }
        return Array(JSONWriter.write(.object(json)).utf8)
    }

    /// A server holding `record` at ac/digest and `blobs` by their hash.
    static func serving(_ record: [UInt8], blobs: [[UInt8]]) throws -> ScriptedTransport {
        var byPath: [String: [UInt8]] = ["ac/\(digest)": record]
        for blob in blobs { byPath["cas/\(try hex(blob))"] = blob }
        let files = byPath
        return ScriptedTransport { request in
            let path = String(request.url.split(separator: "/", maxSplits: 3).last ?? "")
            guard let body = files[path] else { return (.answered(status: 404, bytes: 0), []) }
            return (.answered(status: 200, bytes: 0), body)
        }
    }

    static let maven = try! ProjectArchitecture(document: try JSONParser.parse(bytes: Array(
        #"{"modules": {"core": {"build_systems": ["maven"], "paths": {"module": "core"}}}}"#.utf8))).modules[0]

    func cache(_ project: String, _ transport: ScriptedTransport, budget: RemoteBudget? = nil,
               timeout: Double = 5) throws -> RemoteCache {
        var settings = RemoteCacheSettings(url: "http://cache.invalid/pb")
        settings.write = true
        settings.timeoutSeconds = timeout
        return try RemoteCache(settings: settings, layout: ProjectLayout(projectDir: project), hasher: try ContentHasher.shared(),
                               transport: transport, budget: budget)
    }

    func fetch(_ cache: RemoteCache, _ project: String) -> CacheRecord? {
        cache.fetch(inputDigest: Self.digest, build: Self.build,
                    outputs: DeclaredOutputs.of(Self.maven, projectDirectory: project),
                    maximumAgeSeconds: 86_400, now: Int(time(nil)))
    }

    /// Every file below `folder` (links not followed), relative to it.
    func files(_ folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { !FileSystem.isDirectory(FileSystem.join(folder, $0)) }.sorted()
    }

    func project(_ body: (String) throws -> Void) throws {
        try TestSupport.withTemporaryDirectory("pbremote") { directory in
            try FileManager.default.createDirectory(atPath: "\(directory)/.plan", withIntermediateDirectories: true)
            try body(directory)
        }
    }

    @Test func aGoodRecordIsPutInPlace() throws {
        try project { project in
            let transport = try Self.serving(try Self.record([("core/target/core-1.0.jar", Self.jar)]), blobs: [Self.jar, Self.log])
            let cache = try cache(project, transport)
            let record = try #require(fetch(cache, project))
            #expect(TestSupport.readBytes("\(project)/core/target/core-1.0.jar") == Self.jar)
            let log = try #require(record.logFile)
            #expect(log.hasSuffix("/.plan/temp/build-output/core/maven-2030-01-01-000000.log"))
            #expect(TestSupport.readBytes(log) == Self.log)
            #expect(record.artifacts == [CacheRecord.Artifact(path: "core/target/core-1.0.jar", size: Int64(Self.jar.count))])
            #expect(files(project).filter { $0.contains(".tmp-") }.isEmpty)
            #expect(cache.statistics.hits == 1 && cache.warning == nil)
        }
    }

    @Test func anUndeclaredPathWritesNothingAndFetchesNoBlob() throws {
        try project { project in
            let transport = try Self.serving(try Self.record([("core/target/core-1.0.jar", Self.jar), ("core/pom.xml", Self.jar)]),
                                             blobs: [Self.jar, Self.log])
            let cache = try cache(project, transport)
            #expect(fetch(cache, project) == nil)
            #expect(files(project).isEmpty)
            #expect(transport.paths == ["ac/\(Self.digest)"])
            #expect(cache.warning?.contains("not one of its declared outputs") == true)
            #expect(cache.statistics.misses == 1)
        }
    }

    @Test func anOutputFolderThatIsALinkIsRefused() throws {
        try project { project in
            try TestSupport.withTemporaryDirectory("pboutside") { outside in
                try FileManager.default.createDirectory(atPath: "\(project)/core", withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: "\(project)/core/target", withDestinationPath: outside)
                let transport = try Self.serving(try Self.record([("core/target/core-1.0.jar", Self.jar)]), blobs: [Self.jar, Self.log])
                let cache = try cache(project, transport)
                #expect(fetch(cache, project) == nil)
                #expect(files(outside).isEmpty)
                #expect(cache.warning?.contains("symbolic link") == true)
            }
        }
    }

    @Test func aBlobLongerOrOtherThanDeclaredIsNotUsed() throws {
        try project { project in
            let record = try Self.record([("core/target/core-1.0.jar", Self.jar)])
            let jarPath = "cas/\(try Self.hex(Self.jar))"
            let logPath = "cas/\(try Self.hex(Self.log))"
            for served in [Self.jar + Array(repeating: 0, count: 1 << 20), Array(Self.jar.reversed()), Array(Self.jar.dropLast())] {
                let transport = ScriptedTransport { request in
                    if request.url.hasSuffix("ac/\(Self.digest)") { return (.answered(status: 200, bytes: 0), record) }
                    if request.url.hasSuffix(jarPath) { return (.answered(status: 200, bytes: 0), served) }
                    if request.url.hasSuffix(logPath) { return (.answered(status: 200, bytes: 0), Self.log) }
                    return (.answered(status: 404, bytes: 0), [])
                }
                let cache = try cache(project, transport)
                #expect(fetch(cache, project) == nil)
                #expect(!FileSystem.exists("\(project)/core/target/core-1.0.jar"))
                #expect(files(project).filter { $0.contains(".tmp-") }.isEmpty)
                let warning = try #require(cache.warning)
                #expect(warning.contains("longer than its declared") || warning.contains("does not match"), "\(warning)")
            }
        }
    }

    @Test func aRecordPastOneMebibyteIsCut() throws {
        try project { project in
            let transport = ScriptedTransport { _ in (.answered(status: 200, bytes: 0), Array(repeating: 0x20, count: 3 << 20)) }
            let cache = try cache(project, transport)
            #expect(fetch(cache, project) == nil)
            #expect(cache.warning?.contains("larger than 1048576 bytes") == true)
        }
    }

    @Test func aRedirectOrADeadlineStopsAllAsking() throws {
        for outcome in [RemoteOutcome.answered(status: 302, bytes: 0), .answered(status: 307, bytes: 0), .deadlinePassed,
                        .unreachable("connection refused")] {
            try project { project in
                let transport = ScriptedTransport { _ in (outcome, []) }
                let cache = try cache(project, transport, timeout: 2)
                #expect(fetch(cache, project) == nil)
                #expect(fetch(cache, project) == nil)
                #expect(transport.requests.count == 1)
                #expect(transport.requests[0].deadlineSeconds == 2)
                let warning = try #require(cache.warning)
                #expect(warning.contains("redirect") || warning.contains("within 2 s") || warning.contains("not reachable"), "\(warning)")
                #expect(!warning.contains("more remote cache problem"))
            }
        }
    }

    @Test func aBlobsDeadlineGrowsWithItsDeclaredSize() throws {
        try project { project in
            let big = Array(repeating: UInt8(7), count: 3 << 20)
            let transport = try Self.serving(try Self.record([("core/target/core-1.0.jar", big)], log: nil), blobs: [big])
            let cache = try cache(project, transport, timeout: 5)
            #expect(fetch(cache, project) != nil)
            #expect(transport.requests.map(\.deadlineSeconds) == [5, 8])
        }
    }

    @Test func theBudgetBoundsTheRun() throws {
        final class Clock: @unchecked Sendable {
            var now = 0
        }
        let clock = Clock()
        let budget = RemoteBudget(seconds: 1) { clock.now }
        #expect(budget.start(deadline: 5) == 1)
        #expect(budget.start(deadline: 5) == 1) // parallel requests count once
        clock.now += 600
        budget.finish()
        budget.finish()
        #expect(budget.start(deadline: 5) == 0.4)
        clock.now += 400
        budget.finish()
        #expect(budget.start(deadline: 5) == nil && budget.isSpent)

        // The cache asks nothing once the budget is spent, and says so once.
        try project { project in
            let transport = try Self.serving(try Self.record([("core/target/core-1.0.jar", Self.jar)]), blobs: [Self.jar, Self.log])
            let spent = RemoteBudget(seconds: 1) { clock.now }
            _ = spent.start(deadline: 1)
            clock.now += 1000
            spent.finish()
            let cache = try cache(project, transport, budget: spent)
            #expect(fetch(cache, project) == nil && fetch(cache, project) == nil)
            #expect(transport.requests.isEmpty)
            #expect(cache.warning == "remote cache: the run's time for the remote cache (1 s) is spent; nothing more is asked; built locally")
        }
    }

    @Test func onlyBuildsWithDeclaredOutputsAreShared() throws {
        try project { project in
            TestSupport.write(Self.jar, to: "\(project)/core/target/core-1.0.jar")
            TestSupport.write(Self.log, to: "\(project)/.plan/temp/build-output/core/maven-2030-01-01-000000.log")
            let transport = ScriptedTransport { request in
                (.answered(status: request.method == "HEAD" ? 404 : 201, bytes: 0), [])
            }
            let cache = try cache(project, transport)
            let outputs = DeclaredOutputs.of(Self.maven, projectDirectory: project)
            func record(_ artifacts: [String]) -> CacheRecord {
                CacheRecord(module: "core", command: "compile", commandLine: "mvn compile", inputDigest: Self.digest,
                            moduleDigest: "m", globalDigest: "g", dependencyDigests: [:], durationMilliseconds: 1,
                            tests: nil, warnings: 0, logFile: "\(project)/.plan/temp/build-output/core/maven-2030-01-01-000000.log",
                            artifacts: artifacts.map { CacheRecord.Artifact(path: $0, size: 1) }, recordedAt: 1)
            }
            cache.share(record([]), outputs: outputs)
            cache.share(record(["core/target/core-1.0.jar", "core/target/classes/"]), outputs: outputs)
            #expect(transport.requests.isEmpty)
            cache.share(record(["core/target/core-1.0.jar"]), outputs: outputs)
            #expect(transport.requests.map(\.method) == ["HEAD", "PUT", "HEAD", "PUT", "PUT"])
            #expect(transport.requests.last?.url.hasSuffix("/ac/\(Self.digest)") == true)
        }
    }
}
