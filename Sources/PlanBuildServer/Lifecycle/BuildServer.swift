import CPlanBuildServerSupport
import PlanBuildSupport
import PlanBuildCache
import Synchronization

/// The build server: one per user per machine (`planbuild server run`). It owns the runtime
/// folder's lock for its whole life, replays its journal, listens on the socket and runs jobs
/// until a stop, a drain that has finished, or SIGTERM/SIGINT (a stop).
///
/// Concurrency: the socket layer is one thread in poll(2); each connection's messages are
/// handled in order by a task of its own (Swift concurrency), and long waits (`wait`, `attach`)
/// go on in tasks of their own so a `cancel` on the same connection is not held up. The job
/// registry is an actor; the slot queue and each job's progress are locked classes, because the
/// threads of running builds (which block in poll and waitpid) update them.
public final class BuildServer: ConnectionHandler, @unchecked Sendable {
    public let directory: RuntimeDirectory
    let queue: SlotQueue
    let table: JobTable
    let loop: EventLoop
    let started = MonotonicClock.milliseconds()
    let configuration: ServerConfiguration
    private let ended = Latch()
    /// Answers still to be queued (`wait`s, a `stop` or `drain`): a waiter's task resumes when its
    /// job finishes, which can be just after the last job's end has opened `ended`; the loop stops
    /// only once they are out.
    private let pendingWaits = PendingAnswers()
    private let inboxes = Mutex<[ObjectIdentifier: AsyncStream<LineBuffer.Line>.Continuation]>([:])

    /// The most connections held at once.
    static let maximumConnections = 4000

    private init(directory: RuntimeDirectory, configuration: ServerConfiguration, journal: Journal, runner: any JobRunner,
                 listener: Int32) throws(PlanBuildError) {
        self.directory = directory
        self.configuration = configuration
        queue = SlotQueue(capacity: configuration.maximumSlots)
        table = JobTable(journal: journal, queue: queue, runner: runner, ended: ended)
        loop = try EventLoop(listener: listener, maximumConnections: Self.maximumConnections)
        loop.handler = self
    }

    /// Runs the server in this process until it is told to end; returns the exit status. Call it
    /// first thing in a process of its own (`planbuild server run`): it closes inherited files,
    /// moves to `/` and handles SIGTERM, SIGINT and SIGHUP itself.
    public static func run(_ directory: RuntimeDirectory, configuration: ServerConfiguration, runner: any JobRunner) -> Int32 {
        // A server started by a client must not keep the client's pipes open.
        pbsv_close_from(3)
        _ = chdir("/")
        signal(SIGPIPE, SIG_IGN)
        // Blocked before any thread exists, so every thread inherits it and only sigwait takes them.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        for number in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&stopSignals, number) }
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        raiseFileLimit()
        // The server builds the same projects again and again: each keeps a file watcher, so the
        // cache's decision reads the watcher's list instead of walking and stat'ing the tree.
        WarmWatchers.enable()
        do throws(PlanBuildError) {
            try directory.prepare()
            let lock = try takeServerLock(directory)
            defer { close(lock) }
            let journal = try Journal(path: directory.journal)
            let replayed = Journal.read(directory.journal)
            if replayed.refused > 0 { ServerLog.write("journal: \(replayed.refused) line(s) not understood, ignored") }
            let listener = try UnixSocket.listen(in: directory)
            defer { close(listener) }
            let server = try BuildServer(directory: directory, configuration: configuration, journal: journal, runner: runner,
                                         listener: listener)
            if let problem = configuration.problem { ServerLog.write(problem) }
            writePIDFile(directory)
            let now = WallClock.milliseconds()
            let restored = Latch()
            Task {
                await server.table.restore(JournalReplay.jobs(replayed.records), now: now)
                do throws(PlanBuildError) { try journal.compact(now: now) } catch { ServerLog.write(error.message) }
                restored.open()
            }
            restored.wait()
            ServerLog.write("listening on \(directory.socket) with \(configuration.maximumSlots) slot(s), protocol \(ServerProtocol.version)")
            server.handleStopSignals(stopSignals)
            let loopDone = Latch()
            guard DetachedThread.start({ server.loop.run(); loopDone.open() }) else {
                throw PlanBuildError(.serverUnavailable, "cannot start the server's socket thread")
            }
            server.ended.wait()
            // Every job has finished: the waiters of the last ones get their answers queued (they
            // resume at once, bounded all the same), and what was answered last (cancelled results
            // of a stop) reaches the clients before the loop stops.
            server.pendingWaits.waitUntilNone(milliseconds: 2000)
            server.loop.stop()
            loopDone.wait()
            unlink(directory.socket)
            unlink(directory.pidFile)
            ServerLog.write("stopped")
            return 0
        } catch {
            ServerLog.write("cannot run: \(error.message)")
            return 1
        }
    }

    /// One server per folder: the lock is held until the process ends (also by SIGKILL).
    private static func takeServerLock(_ directory: RuntimeDirectory) throws(PlanBuildError) -> Int32 {
        let folder = try directory.openFolder()
        defer { close(folder) }
        let lock = openat(folder, "server.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lock >= 0 else { throw PlanBuildError(.serverUnavailable, "cannot open \(directory.serverLock): \(SystemCall.reason(errno))") }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            close(lock)
            throw PlanBuildError(.serverUnavailable, "a build server already runs for \(directory.path)")
        }
        return lock
    }

    private static func writePIDFile(_ directory: RuntimeDirectory) {
        guard let folder = try? directory.openFolder() else { return }
        defer { close(folder) }
        let descriptor = openat(folder, "server.pid", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return }
        let text = "\(getpid())\n"
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
    }

    /// Each connection costs a descriptor; 200 clients and the builds' pipes exceed a soft limit of 1024.
    private static func raiseFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = min(limit.rlim_max, 65_536)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// SIGTERM, SIGINT and SIGHUP stop the server as `stop` does (builds cancelled cleanly).
    private func handleStopSignals(_ signals: sigset_t) {
        let table = self.table
        _ = DetachedThread.start {
            var copy = signals
            var number: Int32 = 0
            guard sigwait(&copy, &number) == 0 else { return }
            ServerLog.write("signal \(number): stopping")
            Task { await table.end(.stop) }
        }
    }

    // MARK: Connections (called on the event loop's thread)

    func opened(_ connection: Connection) {
        let (stream, continuation) = AsyncStream<LineBuffer.Line>.makeStream(bufferingPolicy: .unbounded)
        inboxes.withLock { $0[ObjectIdentifier(connection)] = continuation }
        Task { [self] in
            for await line in stream { await handle(line, from: connection) }
        }
    }

    func received(_ line: LineBuffer.Line, from connection: Connection) {
        _ = inboxes.withLock { $0[ObjectIdentifier(connection)] }?.yield(line)
    }

    func closed(_ connection: Connection) {
        let identity = ObjectIdentifier(connection)
        inboxes.withLock { $0.removeValue(forKey: identity) }?.finish()
        Task { await table.disconnected(identity) }
    }

    // MARK: Messages

    private func handle(_ line: LineBuffer.Line, from connection: Connection) async {
        let message: ClientMessage
        switch line {
        case .tooLong:
            connection.send(ServerMessage(.error(ProtocolError(.messageTooLarge, "a message is at most \(ServerProtocol.maximumLineBytes) bytes"))).line)
            return
        case .complete(let bytes):
            do {
                message = try ClientMessage.decode(bytes)
            } catch {
                // The sequence number of a message refused for another reason, when it has one.
                let sequence = (try? ProtocolLine.object(bytes))?["seq"]?.intValue.flatMap { (0...Int(Int32.max)).contains($0) ? $0 : nil }
                connection.send(ServerMessage(.error(error), sequence: sequence).line)
                return
            }
        }
        let sequence = message.sequence
        func reply(_ answer: ServerMessage.Reply) { connection.send(ServerMessage(answer, sequence: sequence).line) }
        func unknown(_ id: String) { reply(.error(ProtocolError(.unknownJob, "no job \(id) (never submitted here, or finished more than a day ago)"))) }
        switch message.operation {
        case .submit(let submission):
            do {
                let job = try await table.submit(submission, origin: ObjectIdentifier(connection))
                reply(.submitted(job: job.id, state: job.phase))
            } catch {
                reply(.error(error))
            }
        case .wait(let id, let seconds):
            guard let job = await table.job(id) else { return unknown(id) }
            let queue = self.queue
            pendingWaits.enter()
            Task {
                defer { pendingWaits.leave() }
                if let result = await job.result(within: seconds) {
                    reply(.result(job: id, result: result))
                } else {
                    let progress = job.progress(queue: queue)
                    reply(.running(job: id, state: job.phase, elapsedSeconds: progress.elapsedSeconds, etaSeconds: progress.etaSeconds))
                }
            }
        case .attach(let id):
            guard let job = await table.job(id) else { return unknown(id) }
            job.attach(connection, sequence: sequence)
        case .cancel(let id):
            guard let job = await table.job(id) else { return unknown(id) }
            let state = job.phase
            job.token.cancel()
            reply(.cancelled(job: id, state: state))
        case .result(let id):
            guard let job = await table.job(id) else { return unknown(id) }
            if let result = job.result {
                reply(.result(job: id, result: result))
            } else {
                let progress = job.progress(queue: queue)
                reply(.running(job: id, state: job.phase, elapsedSeconds: progress.elapsedSeconds, etaSeconds: progress.etaSeconds))
            }
        case .list:
            reply(.jobs(await table.list()))
        case .status:
            reply(.status(await status()))
        case .stop, .drain:
            let draining: Bool
            if case .drain = message.operation { draining = true } else { draining = false }
            // The table stops taking jobs before the answer leaves: a client told `stopping` that
            // submits at once on another connection must be refused, not raced. The answer is
            // counted as pending so a server with nothing left to finish sends it before it ends.
            // Connections are still taken until the end: a client may wait for a job that drains,
            // and a submission is told why it is refused.
            pendingWaits.enter()
            await table.end(draining ? .drain : .stop)
            reply(.stopping(draining: draining))
            pendingWaits.leave()
        }
    }

    /// What `planbuild server status` shows (docs/server.md).
    func status() async -> JSONObject {
        let snapshot = queue.snapshot()
        let overview = await table.overview()
        let uptime = Double(MonotonicClock.milliseconds() - started) / 1000
        var queuedBuilds: [String: Int] = [:]
        for entry in snapshot.queued { queuedBuilds[entry.project] = entry.builds }
        var projects = snapshot.queued.map(\.project)
        for entry in overview.queuedJobs where !projects.contains(entry.project) { projects.append(entry.project) }
        let queuedJobs = Dictionary(overview.queuedJobs.map { ($0.project, $0.jobs) }, uniquingKeysWith: +)
        let state = overview.ending.map { $0 == .drain ? "draining" : "stopping" } ?? "running"
        return JSONObject([
            ("state", .string(state)),
            ("pid", .int(Int(getpid()))),
            ("protocol", .int(ServerProtocol.version)),
            ("uptime_seconds", .double(ServerMessage.tenths(uptime))),
            ("socket", .string(directory.socket)),
            ("slots", .object(JSONObject([("max", .int(snapshot.capacity)), ("in_use", .int(snapshot.inUse))]))),
            ("queue", .array(projects.map { project in
                .object(JSONObject([("project", .string(project)), ("queued_builds", .int(queuedBuilds[project] ?? 0)),
                                    ("queued_jobs", .int(queuedJobs[project] ?? 0))]))
            })),
            ("running", .array(snapshot.running.map { build in
                .object(JSONObject([("project", .string(build.project)), ("build", .string(build.label)),
                                    ("elapsed_seconds", .double(ServerMessage.tenths(Double(build.elapsedMilliseconds) / 1000))),
                                    ("jobs", .array(build.jobs.map(JSONValue.string)))]))
            })),
            ("unfinished_jobs", .int(overview.unfinished)),
            ("totals", .object(JSONObject([("jobs", .int(overview.totals.jobs)), ("builds", .int(snapshot.totals.builds)),
                                           ("attached", .int(snapshot.totals.attached)),
                                           ("cache_answers", .int(overview.totals.cacheAnswers)),
                                           ("killed", .int(overview.totals.killed))]))),
        ])
    }
}
