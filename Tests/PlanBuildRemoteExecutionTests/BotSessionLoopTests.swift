import Testing
import Synchronization
import PlanBuildSupport
import PlanBuildExecution
@testable import PlanBuildRemoteExecution

/// The session loop's own decisions, against a Bots service scripted here (the e2e tests run it
/// against BuildGrid): a session the server forgets is replaced and its leases are ended without a
/// report; a stop hands the running lease back and says BOT_TERMINATING.
@Suite struct BotSessionLoopTests {
    /// Answers CreateBotSession with `leases` the first time, and UpdateBotSession as `update`
    /// says; keeps every request.
    final class ScriptedBots: BotsConnection, @unchecked Sendable {
        struct Calls {
            var creates = 0
            var updates: [BotSession] = []
        }
        let calls = Mutex(Calls())
        let firstLeases: [Lease]
        let update: @Sendable (Int) -> Result<BotSession, BotsCallFailure>

        init(firstLeases: [Lease], update: @escaping @Sendable (Int) -> Result<BotSession, BotsCallFailure>) {
            self.firstLeases = firstLeases
            self.update = update
        }

        func create(_ request: CreateBotSessionRequest, deadlineSeconds: Double,
                    cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure> {
            let number = calls.withLock { calls in
                calls.creates += 1
                return calls.creates
            }
            var session = request.botSession
            session.name = "session-\(number)"
            session.version = "1"
            session.leases = number == 1 ? firstLeases : []
            return .success(session)
        }

        func update(_ request: UpdateBotSessionRequest, deadlineSeconds: Double,
                    cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure> {
            let number = calls.withLock { calls in
                calls.updates.append(request.botSession)
                return calls.updates.count
            }
            // A long poll of 50 ms, cut short by the token as the real transport would be.
            for _ in 0..<10 where cancellation?.isCancelled != true { usleep(5000) }
            if cancellation?.isCancelled == true { return .failure(.cancelled) }
            return update(number).map { reply in
                var echoed = request.botSession
                echoed.leases = reply.leases
                echoed.version = reply.version
                // A keep-alive of 3 s: a bot at capacity calls again after 1 s.
                echoed.expireTime = ProtoTimestamp(seconds: WallClock.now().seconds + 3)
                return echoed
            }
        }
    }

    /// A value shared with the loop's threads.
    final class Shared<Value>: @unchecked Sendable {
        private let lock = Mutex<Void>(())
        private var value: Value
        init(_ value: Value) { self.value = value }
        func withLock<R>(_ body: (inout Value) -> R) -> R { lock.withLock { _ in body(&value) } }
    }

    let cas = MemoryCAS()
    let scratch = ScratchFolder()

    func sleepingLease(_ id: String) -> Lease {
        var command = Command()
        command.arguments = ["sleep", "30"]
        var action = Action()
        action.commandDigest = cas.put(command.encoded())
        action.inputRootDigest = cas.put(Directory())
        return Lease(id: id, payload: ProtoAny(packing: action), state: .active)
    }

    func loop(_ bots: ScriptedBots, stop: CancellationToken, lines: Shared<[String]>) throws -> BotSessionLoop {
        let settings = try WorkerSettings(server: "grpc://127.0.0.1:1", name: "loop-test")
        let runner = LeaseRunner(store: cas, digests: cas.digests, workFolder: scratch.handle("work"), workerName: "loop-test",
                                 defaultTimeoutSeconds: 60)
        return BotSessionLoop(connection: bots, settings: settings, runner: runner, stop: stop) { line in
            lines.withLock { $0.append(line) }
        }
    }

    static func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = MonotonicClock.milliseconds() + Int(seconds * 1000)
        while !condition() {
            if MonotonicClock.milliseconds() > deadline { return false }
            usleep(20_000)
        }
        return true
    }

    @Test func aSessionTheServerForgetsIsReplacedAndItsLeaseEndedUnreported() throws {
        let bots = ScriptedBots(firstLeases: [sleepingLease("lease-a")]) { number in
            // The lease runs for a few calls, then the server no longer knows the session.
            number == 3 ? .failure(.sessionGone("INVALID_ARGUMENT: bot does not exist")) : .success(BotSession())
        }
        let stop = CancellationToken()
        let lines = Shared<[String]>([])
        let worker = try loop(bots, stop: stop, lines: lines)
        let code = Shared<Int32?>(nil)
        _ = DetachedThread.start { code.withLock { $0 = worker.run() } }

        #expect(Self.waitFor(20) { lines.withLock { $0.contains("lease lease-a: cancelled by the server") } })
        #expect(Self.waitFor(20) { bots.calls.withLock { $0.creates } == 2 })
        stop.cancel()
        #expect(Self.waitFor(10) { code.withLock { $0 } == 0 })

        let updates = bots.calls.withLock { $0.updates }
        // Reported ACTIVE while it ran, never COMPLETED: the server had given it to another bot.
        #expect(updates.contains { $0.leases.contains { $0.id == "lease-a" && $0.state == .active } })
        #expect(!updates.contains { $0.leases.contains { $0.id == "lease-a" && $0.state == .completed } })
        #expect(updates.last?.status == .botTerminating)
        #expect(updates.first?.worker?.configs == [Worker.Config(key: "capacity", value: "1")])
        #expect(updates.first?.worker?.devices.first?.properties == [Device.Property(key: "OSFamily", value: "Linux")])
        #expect(FileSystem.listDirectory(FileSystem.join(scratch.path, "work")).isEmpty)
    }

    @Test func aStopHandsTheRunningLeaseBackAndSaysBotTerminating() throws {
        let bots = ScriptedBots(firstLeases: [sleepingLease("lease-b")]) { _ in
            var session = BotSession()
            session.leases = [Lease(id: "lease-b", state: .active)]
            return .success(session)
        }
        let stop = CancellationToken()
        let lines = Shared<[String]>([])
        let worker = try loop(bots, stop: stop, lines: lines)
        let code = Shared<Int32?>(nil)
        _ = DetachedThread.start { code.withLock { $0 = worker.run() } }
        #expect(Self.waitFor(20) { bots.calls.withLock { $0.updates.count } >= 3 })
        let stopped = MonotonicClock.milliseconds()
        stop.cancel()
        #expect(Self.waitFor(10) { code.withLock { $0 } == 0 })
        #expect(MonotonicClock.milliseconds() - stopped < 2500)

        let last = try #require(bots.calls.withLock { $0.updates.last })
        #expect(last.status == .botTerminating)
        let handedBack = try #require(last.leases.first { $0.id == "lease-b" })
        #expect(handedBack.state == .completed)
        #expect(handedBack.status?.code == Int32(GrpcStatusCode.unavailable.rawValue))
        #expect(lines.withLock { $0.contains("lease lease-b: cancelled: this worker stops") })
    }
}
