import Foundation
import Synchronization
import Testing
@testable import PlanBuildExecution
@testable import PlanBuildRemoteExecution

/// The typed client against a real BuildGrid on loopback (CAS on disk, ByteStream, ActionCache,
/// Capabilities), and the transport's failures against servers that are not there or hang.
@Suite struct REAPIClientTests {
    static func client() throws -> REAPIClient {
        RemotePlugin.located
        let server = try BuildGridServer.start()
        return REAPIClient(channel: try GrpcChannel(target: server.target), instanceName: "", callDeadlineSeconds: 30)
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The code of the RemoteExecutionError `body` throws; nil when it throws nothing or something else.
    static func code(_ body: () throws -> Void) -> RemoteExecutionError.Code? {
        do {
            try body()
            return nil
        } catch let error as RemoteExecutionError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func capabilitiesNameACacheAndABatchLimit() throws {
        let client = try Self.client()
        let capabilities = try client.capabilities()
        #expect(capabilities.cacheCapabilities != nil)
        #expect(capabilities.cacheCapabilities?.digestFunctions.contains(.sha256) == true)
        let limit = try client.batchLimit()
        #expect(limit > 1 << 20 && limit <= REAPIClient.messageLimit)
    }

    @Test func smallBlobsGoUpInABatchAndComeBackChecked() throws {
        let client = try Self.client()
        let blobs = try (0..<20).map { index in
            let data = Self.randomBytes(index * 100)
            return (try REAPIClient.digest(of: data), data)
        }
        let digests = blobs.map(\.0)
        #expect(Set(try client.findMissing(digests)) == Set(digests.filter { $0.sizeBytes > 0 }).union(try client.findMissing(digests)))
        try client.upload(blobs: blobs)
        #expect(try client.findMissing(digests) == [])
        for (digest, data) in blobs {
            #expect(try client.read(digest, maximumBytes: 1 << 20) == data)
        }
        // Streamed into a file.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pb-read-\(UUID().uuidString)").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(descriptor); unlink(path) }
        try client.readToFile(blobs[7].0, descriptor: descriptor, name: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(blobs[7].1))
    }

    @Test func aBlobOverTheBatchLimitGoesByByteStreamBothWays() throws {
        let client = try Self.client()
        let data = Self.randomBytes(5 << 20 + 123)
        let digest = try REAPIClient.digest(of: data)
        #expect(digest.sizeBytes > Int64(try client.batchLimit()))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pb-upload-\(UUID().uuidString)").path
        try Data(data).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        try client.uploadFile(path: path, digest: digest)
        #expect(try client.findMissing([digest]) == [])
        #expect(try client.read(digest, maximumBytes: 8 << 20) == data)
        #expect(Self.code { _ = try client.read(digest, maximumBytes: 1 << 20) } == .tooLarge)
        let copy = path + ".copy"
        let descriptor = open(copy, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(descriptor); unlink(copy) }
        try client.readToFile(digest, descriptor: descriptor, name: copy)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(data))
        // From memory too.
        let other = Self.randomBytes(4 << 20)
        try client.upload(blobs: [(try REAPIClient.digest(of: other), other)])
        #expect(try client.read(try REAPIClient.digest(of: other), maximumBytes: 8 << 20) == other)
    }

    @Test func aBlobTheServerSpoiledIsNeverReturned() throws {
        let server = try BuildGridServer.start()
        let client = try Self.client()
        for size in [1000, 5 << 20] {
            let data = Self.randomBytes(size)
            let digest = try REAPIClient.digest(of: data)
            try client.upload(blobs: [(digest, data)])
            // The same number of bytes, one of them changed, on the server's disk.
            var spoiled = data
            spoiled[size / 2] ^= 0xFF
            try Data(spoiled).write(to: URL(fileURLWithPath: server.blobPath(digest.hash)))
            #expect(Self.code { _ = try client.read(digest, maximumBytes: 8 << 20) } == .digestMismatch, "\(size) bytes")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pb-spoiled-\(UUID().uuidString)").path
            let descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            defer { close(descriptor); unlink(path) }
            #expect(Self.code { try client.readToFile(digest, descriptor: descriptor, name: path) } == .digestMismatch)
            #expect((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) == 0, "what was written is taken back")
        }
    }

    @Test func aFileThatChangedAfterHashingIsRefusedNotSent() throws {
        let client = try Self.client()
        for size in [1000, 5 << 20] {
            let data = Self.randomBytes(size)
            let digest = try REAPIClient.digest(of: data)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pb-changed-\(UUID().uuidString)").path
            defer { unlink(path) }
            // Shorter than its digest says, then longer: both a local error, and the blob is not stored.
            try Data(data.dropLast(10)).write(to: URL(fileURLWithPath: path))
            #expect(Self.code { try client.uploadFile(path: path, digest: digest) } == .local, "\(size) bytes, shorter")
            try Data(data + [1, 2, 3]).write(to: URL(fileURLWithPath: path))
            #expect(Self.code { try client.uploadFile(path: path, digest: digest) } == .local, "\(size) bytes, longer")
            #expect(try client.findMissing([digest]) == [digest])
        }
    }

    @Test func aDigestFromTheServerMustLookLikeOne() throws {
        let client = try Self.client()
        #expect(Self.code { _ = try client.read(Digest(hash: "../../etc/passwd", sizeBytes: 3), maximumBytes: 10) } == .malformed)
        #expect(Self.code { _ = try client.read(Digest(hash: String(repeating: "A", count: 64), sizeBytes: 3), maximumBytes: 10) } == .malformed)
        #expect(Self.code { _ = try client.read(Digest(hash: String(repeating: "a", count: 64), sizeBytes: -1), maximumBytes: 10) } == .malformed)
        #expect(Self.code { try client.upload(blobs: [(Digest(hash: String(repeating: "a", count: 64), sizeBytes: 3), [1])]) } == .local)
    }

    @Test func theActionCacheStoresAndAnswersNotFoundAsNil() throws {
        let client = try Self.client()
        let action = Action(commandDigest: try REAPIClient.digest(of: Self.randomBytes(10)),
                            inputRootDigest: try REAPIClient.digest(of: Directory()), timeout: ProtoDuration(seconds: 60))
        let actionDigest = try REAPIClient.digest(of: action)
        #expect(try client.getActionResult(actionDigest) == nil)
        let log = Array("BUILD SUCCESS\n".utf8)
        let logDigest = try REAPIClient.digest(of: log)
        try client.upload(blobs: [(logDigest, log)])
        let result = ActionResult(exitCode: 0, stdoutDigest: logDigest, executionMetadata: ExecutedActionMetadata(worker: "test-worker"))
        try client.updateActionResult(actionDigest, result)
        let cached = try #require(try client.getActionResult(actionDigest))
        #expect(cached.exitCode == 0 && cached.stdoutDigest == logDigest && cached.executionMetadata.worker == "test-worker")
    }

    @Test func aServiceTheServerLacksIsItsStatus() throws {
        let client = try Self.client()
        let digest = try REAPIClient.digest(of: Action())
        #expect(Self.code { _ = try client.execute(actionDigest: digest, deadlineSeconds: 10) } == .server(GrpcStatusCode.unimplemented.rawValue))
    }

    @Test func manyThreadsShareTheServerAtOnce() throws {
        let client = try Self.client()
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            do {
                for round in 0..<5 {
                    let data = Self.randomBytes(1000 + thread * 100 + round)
                    let digest = try REAPIClient.digest(of: data)
                    try client.upload(blobs: [(digest, data)])
                    guard try client.read(digest, maximumBytes: 1 << 20) == data else { throw RemoteExecutionError(.local, "different") }
                }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }

    // MARK: The transport's failures

    @Test func addressesAreCheckedBeforeAnyCall() {
        RemotePlugin.located
        for target in ["http://127.0.0.1:80", "grpcs://127.0.0.1:80", "grpc://127.0.0.1", "grpc://:80", "grpc://host:0",
                       "grpc://host:99999", "grpc://host:80/path", "grpc://user@host:80"] {
            #expect(throws: RemoteExecutionError.self, "\(target)") { _ = try GrpcChannel(target: target) }
        }
        #expect(throws: Never.self) { _ = try GrpcChannel(target: "grpc://127.0.0.1:8980/") }
    }

    @Test func aServerThatIsNotThereIsUnreachable() throws {
        RemotePlugin.located
        let port = try BuildGridServer.freePort()
        let client = REAPIClient(channel: try GrpcChannel(target: "grpc://127.0.0.1:\(port)"), instanceName: "")
        #expect(Self.code { _ = try client.capabilities() } == .unreachable)
    }

    @Test func aServerThatHangsEndsAtTheDeadline() throws {
        RemotePlugin.located
        let silent = try SilentServer()
        let client = REAPIClient(channel: try GrpcChannel(target: "grpc://127.0.0.1:\(silent.port)"), instanceName: "",
                                 callDeadlineSeconds: 0.5)
        let started = Date()
        #expect(Self.code { _ = try client.findMissing([Digest(hash: String(repeating: "a", count: 64), sizeBytes: 1)]) } == .deadline)
        #expect(Date().timeIntervalSince(started) < 10)
        withExtendedLifetime(silent) {}
    }

    @Test func aCancelledCallEndsSoon() throws {
        RemotePlugin.located
        let silent = try SilentServer()
        let client = REAPIClient(channel: try GrpcChannel(target: "grpc://127.0.0.1:\(silent.port)"), instanceName: "")
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel() }
        let started = Date()
        let digest = Digest(hash: String(repeating: "a", count: 64), sizeBytes: 1)
        #expect(Self.code { _ = try client.execute(actionDigest: digest, deadlineSeconds: 60, cancellation: token) } == .cancelled)
        // libcurl asks about once a second; well under the 60 s deadline.
        #expect(Date().timeIntervalSince(started) < 10)
        // Already cancelled: no call is made.
        #expect(Self.code { _ = try client.execute(actionDigest: digest, deadlineSeconds: 60, cancellation: token) } == .cancelled)
        withExtendedLifetime(silent) {}
    }

    @Test func theClientsTokenCutsEveryCall() throws {
        RemotePlugin.located
        let silent = try SilentServer()
        let token = CancellationToken()
        let client = REAPIClient(channel: try GrpcChannel(target: "grpc://127.0.0.1:\(silent.port)"), instanceName: "",
                                 cancellation: token)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel() }
        let started = Date()
        #expect(Self.code { _ = try client.capabilities() } == .cancelled)
        #expect(Date().timeIntervalSince(started) < 5)
        let digest = Digest(hash: String(repeating: "a", count: 64), sizeBytes: 1)
        #expect(Self.code { _ = try client.findMissing([digest]) } == .cancelled)
        #expect(Self.code { _ = try client.execute(actionDigest: digest, deadlineSeconds: 60) } == .cancelled)
        withExtendedLifetime(silent) {}
    }
}
