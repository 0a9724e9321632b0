import Foundation
import Testing
@testable import PlanBuildExecution
@testable import PlanBuildRemoteExecution

/// `execute` against a scripted Execution service (grpcio, BuildGrid's generated messages): the
/// operation stream's turns a real server takes only now and then, on demand.
@Suite struct REAPIExecutionTests {
    static func client(deadline: Double = 30) throws -> (REAPIClient, ScriptedExecutionServer) {
        RemotePlugin.located
        let server = try ScriptedExecutionServer.start()
        return (REAPIClient(channel: try GrpcChannel(target: server.target), instanceName: "", callDeadlineSeconds: deadline), server)
    }

    /// The scenario's action digest: the scripted server reads the scenario from the size.
    static func scenario(_ number: Int64) -> Digest {
        Digest(hash: String(repeating: "e", count: 64), sizeBytes: number)
    }

    /// Waits up to 5 s for the server to log `line`.
    static func logged(_ line: String, by server: ScriptedExecutionServer) -> Bool {
        for _ in 0..<50 {
            if server.calls.contains(line) { return true }
            usleep(100_000)
        }
        return false
    }

    @Test func aStreamThatEndsEarlyIsFollowedByWaitExecution() throws {
        let (client, server) = try Self.client()
        var stages: [ExecutionStage] = []
        let response = try client.execute(actionDigest: Self.scenario(1), deadlineSeconds: 30) { stages.append($0) }
        #expect(response.result?.exitCode == 7)
        #expect(stages == [.queued, .executing, .executing, .completed])
        #expect(server.calls.contains("WaitExecution operations/1"))
    }

    @Test func thePriorityReachesTheServer() throws {
        let (client, server) = try Self.client()
        _ = try client.execute(actionDigest: Self.scenario(9), priority: -3, deadlineSeconds: 30)
        #expect(server.calls.contains("Execute priority -3"))
    }

    @Test func anOperationThatFailedAsAWholeIsTheServersError() throws {
        let (client, _) = try Self.client()
        #expect(REAPIClientTests.code { _ = try client.execute(actionDigest: Self.scenario(2), deadlineSeconds: 30) } == .server(13))
    }

    @Test func cancellingStopsTheStreamAndCancelsTheOperation() throws {
        let (client, server) = try Self.client()
        let token = CancellationToken()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { token.cancel() }
        let started = Date()
        #expect(REAPIClientTests.code { _ = try client.execute(actionDigest: Self.scenario(3), deadlineSeconds: 60, cancellation: token) } == .cancelled)
        // libcurl asks about once a second (measured here: 0.7 s after the cancel); room for a loaded machine.
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(Self.logged("CancelOperation operations/3", by: server))
    }

    @Test func theDeadlineEndsTheWaitAndCancelsTheOperation() throws {
        let (client, server) = try Self.client()
        let started = Date()
        #expect(REAPIClientTests.code { _ = try client.execute(actionDigest: Self.scenario(8), deadlineSeconds: 1) } == .deadline)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(Self.logged("CancelOperation operations/8", by: server))
    }

    @Test func aResponseOfAnotherTypeIsMalformed() throws {
        let (client, _) = try Self.client()
        #expect(REAPIClientTests.code { _ = try client.execute(actionDigest: Self.scenario(4), deadlineSeconds: 30) } == .malformed)
    }

    @Test func thousandsOfUpdatesStreamThrough() throws {
        let (client, _) = try Self.client()
        var count = 0
        let response = try client.execute(actionDigest: Self.scenario(5), deadlineSeconds: 30) { _ in count += 1 }
        #expect(response.result?.exitCode == 0 && count == 2001)
    }

    @Test func streamsWithoutNewsEndTheWait() throws {
        let (client, server) = try Self.client()
        #expect(REAPIClientTests.code { _ = try client.execute(actionDigest: Self.scenario(6), deadlineSeconds: 30) } == .malformed)
        #expect(server.calls.filter { $0 == "WaitExecution operations/6" }.count == REAPIClient.silentStreamsAllowed)
    }

    @Test func anUpdateLargerThanAllowedIsRefused() throws {
        let (client, _) = try Self.client()
        #expect(REAPIClientTests.code { _ = try client.execute(actionDigest: Self.scenario(7), deadlineSeconds: 30) } == .tooLarge)
    }
}
