import PlanBuildSupport
import PlanBuildExecution
import PlanBuildOrchestration
import Synchronization

/// Where a job sends lines: a client connection.
public protocol LineSink: AnyObject, Sendable {
    /// Queues one line for the peer; false when the peer is gone.
    @discardableResult
    func send(_ line: String) -> Bool
}

/// One submitted build or orchestration. Its state is touched by the thread that runs it
/// (progress, the end) and by the message handlers (wait, attach, cancel), hence a lock.
public final class Job: @unchecked Sendable {
    public let id: String
    /// Submission order, across restarts: a project's queue is FIFO by it.
    public let sequence: Int
    public let kind: JobKind
    public let project: String
    /// What a person sees: the build's arguments, or the orchestration's command.
    public let label: String
    public let submittedAt: Int
    /// Absent for a job replayed finished (its request is not kept).
    public let submission: Submission?
    /// Cancels the job: its queued builds leave the queue, running ones end unless another job
    /// still waits for them.
    public let token = CancellationToken()
    /// Which connection submitted it, for `cancel_on_disconnect`.
    public let origin: ObjectIdentifier?

    /// Progress events kept for a late `attach`: the whole run's, up to this many.
    static let maximumEvents = 200_000

    private struct Waiter {
        let continuation: CheckedContinuation<JSONObject?, Never>
        /// Answers `running` when the wait's bound passes; cancelled when the result comes first.
        let timer: Task<Void, Never>
    }

    private struct Subscriber {
        let sink: any LineSink
        let sequence: Int?
    }

    private struct State {
        var phase: JobState = .queued
        var startedAt: Int?
        var startedMonotonic: Int?
        var finishedAt: Int?
        var result: JSONObject?
        var events: [JSONObject] = []
        var droppedEvents = false
        var subscribers: [Subscriber] = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        /// The last progress event's estimate and when it came (monotonic ms).
        var estimate: (seconds: Double, at: Int)?
    }

    private let state = Mutex(State())

    init(id: String, sequence: Int, kind: JobKind, project: String, label: String, submittedAt: Int, submission: Submission?,
         origin: ObjectIdentifier?) {
        self.id = id
        self.sequence = sequence
        self.kind = kind
        self.project = project
        self.label = label
        self.submittedAt = submittedAt
        self.submission = submission
        self.origin = origin
    }

    public var phase: JobState { state.withLock { $0.phase } }
    public var result: JSONObject? { state.withLock { $0.result } }
    var finishedAt: Int? { state.withLock { $0.finishedAt } }
    var startedAt: Int? { state.withLock { $0.startedAt } }

    /// The first build of the job started; true the first time.
    func markStarted(at wall: Int) -> Bool {
        state.withLock { state in
            guard state.phase == .queued else { return false }
            state.phase = .running
            state.startedAt = wall
            state.startedMonotonic = MonotonicClock.milliseconds()
            return true
        }
    }

    /// A job the journal shows started (it is about to be reported killed).
    func restoreStarted(at wall: Int) {
        state.withLock { state in
            state.phase = .running
            state.startedAt = wall
        }
    }

    /// One progress event: kept for later subscribers and sent to the present ones, in order.
    func publish(_ event: JSONObject) {
        state.withLock { state in
            if state.events.count < Self.maximumEvents { state.events.append(event) } else { state.droppedEvents = true }
            if event["event"] == "progress", let eta = event["eta_seconds"]?.doubleValue {
                state.estimate = (eta, MonotonicClock.milliseconds())
            }
            guard !state.subscribers.isEmpty else { return }
            let line = ServerMessage(.event(job: id, event: event)).line
            state.subscribers.removeAll { subscriber in
                // One encoding per event; the sequence number is spliced in per subscriber.
                !subscriber.sink.send(subscriber.sequence == nil ? line : ServerMessage(.event(job: id, event: event),
                                                                                     sequence: subscriber.sequence).line)
            }
        }
    }

    /// The job ended with `result` (the reply pb_execute or pb_run gives, plus "job"); every
    /// waiter and subscriber gets it. Only the first result counts.
    @discardableResult
    func finish(_ result: JSONObject, at wall: Int) -> Bool {
        let taken: (waiters: [Waiter], subscribers: [Subscriber])? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            state.phase = .finished
            state.finishedAt = wall
            defer {
                state.waiters.removeAll()
                state.subscribers.removeAll()
            }
            return (Array(state.waiters.values), state.subscribers)
        }
        guard let taken else { return false }
        // Its run has returned: nothing waits on the token any more. Its pipe is given back now,
        // not when the job is forgotten a day later (two descriptors a job, a server's limit).
        token.release()
        for subscriber in taken.subscribers {
            subscriber.sink.send(ServerMessage(.result(job: id, result: result), sequence: subscriber.sequence).line)
        }
        for waiter in taken.waiters {
            waiter.timer.cancel()
            waiter.continuation.resume(returning: result)
        }
        return true
    }

    /// The result, waiting at most `seconds`; nil when the bound passed first.
    func result(within seconds: Double) async -> JSONObject? {
        if let done = result { return done }
        let waiterID = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<JSONObject?, Never>) in
            let done = state.withLock { state -> JSONObject? in
                if let result = state.result { return result }
                let timer = Task { [self] in
                    do {
                        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
                    } catch {
                        return // the result came first
                    }
                    let expired = self.state.withLock { $0.waiters.removeValue(forKey: waiterID) }
                    expired?.continuation.resume(returning: nil)
                }
                state.waiters[waiterID] = Waiter(continuation: continuation, timer: timer)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Sends every event so far to `sink`, then each new one as it comes, then the result.
    func attach(_ sink: any LineSink, sequence: Int?) {
        let finished: JSONObject? = state.withLock { state in
            // Under the job's lock, so that no new event can slip between the past ones.
            for event in state.events {
                sink.send(ServerMessage(.event(job: id, event: event), sequence: sequence).line)
            }
            if state.result == nil { state.subscribers.append(Subscriber(sink: sink, sequence: sequence)) }
            return state.result
        }
        if let finished { sink.send(ServerMessage(.result(job: id, result: finished), sequence: sequence).line) }
    }

    func detach(_ sink: any LineSink) {
        state.withLock { state in state.subscribers.removeAll { $0.sink === sink } }
    }

    /// How long the job has been in its present state, and the time still expected (nil: unknown).
    func progress(queue: SlotQueue) -> (elapsedSeconds: Double, etaSeconds: Double?) {
        let now = MonotonicClock.milliseconds()
        let (started, estimate) = state.withLock { ($0.startedMonotonic, $0.estimate) }
        guard let started else { return (Double(WallClock.milliseconds() - submittedAt) / 1000, nil) }
        let elapsed = Double(now - started) / 1000
        if let estimate { return (elapsed, RemainingTime.now(estimate: estimate.seconds, since: Double(now - estimate.at) / 1000)) }
        if kind == .build, let build = queue.progress(of: id), let expected = build.expectedMilliseconds {
            return (elapsed, Double(RemainingTime.ofRunningBuild(expectedMilliseconds: expected, elapsedMilliseconds: now - build.startedAt)) / 1000)
        }
        return (elapsed, nil)
    }

    /// The line of `list`.
    var summary: JSONObject {
        state.withLock { state in
            var members: [(String, JSONValue)] = [("job", .string(id)), ("kind", .string(kind.rawValue)), ("project", .string(project)),
                                                  ("label", .string(label)), ("state", .string(state.phase.rawValue)),
                                                  ("submitted_at_ms", .int(submittedAt))]
            members.append(("started_at_ms", state.startedAt.map(JSONValue.int) ?? .null))
            members.append(("finished_at_ms", state.finishedAt.map(JSONValue.int) ?? .null))
            members.append(("status", state.result?["status"] ?? .null))
            return JSONObject(members)
        }
    }
}
