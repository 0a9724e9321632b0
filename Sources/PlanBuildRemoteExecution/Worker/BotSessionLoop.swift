import PlanBuildSupport
import PlanBuildExecution

/// How a Bots call failed, as the session loop acts on it.
package enum BotsCallFailure: Error, Sendable {
    /// This bot cut the call short (a lease finished, the worker stops).
    case cancelled
    /// The server could not be reached or answered with a passing error: try again.
    case unreachable(String)
    /// The server does not know the session any more (it expired or was closed): its leases
    /// went to other bots; a new session is made.
    case sessionGone(String)
    /// The server refuses this bot (an unknown instance, properties no action can use): no
    /// retry helps.
    case refused(String)
}

/// The Bots service as the loop calls it (over REAPIClient in the worker).
package protocol BotsConnection: Sendable {
    func create(_ request: CreateBotSessionRequest, deadlineSeconds: Double, cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure>
    func update(_ request: UpdateBotSessionRequest, deadlineSeconds: Double, cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure>
}

/// The bot's life: CreateBotSession, then UpdateBotSession over and over. Each call reports the
/// leases (ACTIVE while they run, COMPLETED with their results) and waits on the server for new
/// ones (a long poll, cut short when a lease finishes so that its result goes out at once). A new
/// lease starts on a thread of its own; a running lease the server no longer lists is cancelled.
/// At the stop: no new lease, the running ones cancelled and reported as handed back (UNAVAILABLE,
/// which makes the server run them elsewhere), one last call with BOT_TERMINATING.
package final class BotSessionLoop: @unchecked Sendable {
    let connection: any BotsConnection
    let settings: WorkerSettings
    let runner: LeaseRunner
    let stop: CancellationToken
    let say: @Sendable (String) -> Void
    private let board = LeaseBoard()

    /// How long one UpdateBotSession may wait on the server for work (the server waits at most
    /// 80% of it, and less when its session keep-alive is shorter).
    static let pollSeconds = 30.0
    /// Every call but the long poll.
    static let callSeconds = 10.0
    /// What the stop may take: the running commands' ends (their supervisors' grace) and the last call.
    static let stopMilliseconds = 1500

    package init(connection: any BotsConnection, settings: WorkerSettings, runner: LeaseRunner, stop: CancellationToken,
                 say: @escaping @Sendable (String) -> Void) {
        self.connection = connection
        self.settings = settings
        self.runner = runner
        self.stop = stop
        self.say = say
    }

    /// Runs until the stop token is cancelled (0) or the server refuses the bot (1).
    package func run() -> Int32 {
        let watcher = DetachedThread.start { [board, stop] in
            stop.waitUntilCancelled()
            board.stopAll()
        }
        guard watcher else {
            say("cannot start a thread")
            return 1
        }
        var backoff = Backoff()
        while !stop.isCancelled {
            let session: BotSession
            switch connection.create(CreateBotSessionRequest(parent: settings.instance, botSession: botSession(.ok)),
                                     deadlineSeconds: Self.pollSeconds, cancellation: stop) {
            case .success(let created):
                session = created
            case .failure(.refused(let message)):
                say("the server refuses this worker: \(message)")
                return 1
            case .failure(.cancelled):
                continue
            case .failure(.unreachable(let message)), .failure(.sessionGone(let message)):
                if backoff.first { say("cannot open a session with \(settings.server) (\(message)); trying again") }
                board.wait(milliseconds: backoff.next(), untilFinished: false)
                continue
            }
            backoff = Backoff()
            say("session \(session.name) open: \(settings.slots) slot(s), properties "
                + settings.properties.map { "\($0.name)=\($0.value)" }.joined(separator: " "))
            take(session.leases)
            serve(session)
        }
        finish()
        return 0
    }

    /// UpdateBotSession until the stop, or until the server forgets the session.
    private func serve(_ created: BotSession) {
        var session = created
        var backoff = Backoff()
        while !board.isStopping {
            let update = board.nextUpdate()
            var request = botSession(.ok)
            request.name = session.name
            request.version = session.version
            request.leases = update.leases
            let started = MonotonicClock.milliseconds()
            switch connection.update(UpdateBotSessionRequest(name: session.name, botSession: request),
                                     deadlineSeconds: Self.pollSeconds, cancellation: update.token) {
            case .success(let reply):
                if !backoff.first { say("the server answers again") }
                backoff = Backoff()
                board.reported(update.completed)
                session.version = reply.version
                session.expireTime = reply.expireTime
                board.reconcile(with: reply.leases)
                let startedLeases = take(reply.leases)
                // At capacity the server answers at once: wait for a lease to finish, or until the
                // session needs its keep-alive.
                if startedLeases == 0 && update.completed.isEmpty && MonotonicClock.milliseconds() - started < 500 {
                    board.wait(milliseconds: Self.keepAliveMilliseconds(session.expireTime), untilFinished: true)
                }
            case .failure(.cancelled):
                continue
            case .failure(.sessionGone(let message)):
                say("the server lost the session (\(message)): its leases go to other workers; opening a new one")
                board.abandonAll()
                return
            case .failure(.unreachable(let message)), .failure(.refused(let message)):
                if backoff.first { say("UpdateBotSession failed (\(message)); trying again") }
                board.wait(milliseconds: backoff.next(), untilFinished: false)
            }
        }
        final(session)
    }

    /// The stop: running commands are ended (each reports itself handed back), then one last
    /// UpdateBotSession says BOT_TERMINATING with those reports.
    private func final(_ session: BotSession) {
        board.waitUntilIdle(milliseconds: Self.stopMilliseconds)
        var request = botSession(.botTerminating)
        request.name = session.name
        request.version = session.version
        request.leases = board.finalReport()
        let handedBack = request.leases.filter { $0.state == .completed }.count
        switch connection.update(UpdateBotSessionRequest(name: session.name, botSession: request),
                                 deadlineSeconds: 0.8, cancellation: nil) {
        case .success: say("stopped: \(handedBack) lease(s) reported, the session ends as BOT_TERMINATING")
        case .failure(let failure): say("stopped; the last UpdateBotSession failed (\(failure)): the server expires the session")
        }
    }

    /// Ends the leases of a stop that came before any session was open.
    private func finish() {
        board.stopAll()
        board.waitUntilIdle(milliseconds: Self.stopMilliseconds)
    }

    /// Starts the leases of `leases` that are new to this bot (PENDING or ACTIVE, up to the free
    /// slots); returns how many started.
    @discardableResult
    private func take(_ leases: [Lease]) -> Int {
        var started = 0
        for lease in leases where lease.state == .pending || lease.state == .active {
            guard !board.holds(lease.id), !board.isStopping, board.occupied < settings.slots else { continue }
            let token = board.start(lease.id)
            let id = lease.id
            say("lease \(id): started")
            let launched = DetachedThread.start { [runner, board, say] in
                let outcome = runner.run(lease, cancellation: token, stopping: { board.isStopping })
                say("lease \(id): \(outcome.summary)")
                board.finish(id, report: outcome.lease(id: id))
            }
            if !launched {
                board.finish(id, report: Lease(id: id, state: .completed, status: LeaseFailure.local("the worker could not start a thread").status))
            }
            started += 1
        }
        return started
    }

    private func botSession(_ status: BotStatus) -> BotSession {
        let device = Device(handle: settings.name, properties: settings.properties.map { Device.Property(key: $0.name, value: $0.value) })
        var worker = Worker(devices: [device], properties: settings.properties.map { Worker.Property(key: $0.name, value: $0.value) })
        worker.configs = [Worker.Config(key: "capacity", value: String(settings.slots))]
        return BotSession(botId: settings.name, status: status, worker: worker)
    }

    /// A third of the time the server gives the session before it expires, 1 to 10 seconds; 5
    /// seconds when it names no expiry.
    static func keepAliveMilliseconds(_ expiry: ProtoTimestamp?) -> Int {
        guard let expiry else { return 5000 }
        let now = WallClock.now()
        let left = (Int(clamping: expiry.seconds) &- Int(clamping: now.seconds)) &* 1000
            &+ (Int(expiry.nanos) - Int(now.nanos)) / 1_000_000
        return min(10_000, max(1000, left / 3))
    }
}

/// Waits between failed calls: 0.5 s, doubling up to 10 s.
struct Backoff {
    private var milliseconds = 0

    var first: Bool { milliseconds == 0 }

    mutating func next() -> Int {
        milliseconds = milliseconds == 0 ? 500 : min(10_000, milliseconds * 2)
        return milliseconds
    }
}
