import PlanBuildSupport
import PlanBuildModel

/// The server's jobs: accepting them, finding them, keeping finished ones for a day, and knowing
/// when a stop or drain may end the process. An actor: every message handler goes through it;
/// the thread that runs a job reports its end here too.
actor JobTable {
    private let journal: Journal
    private let queue: SlotQueue
    private let runner: any JobRunner
    private var jobs: [String: Job] = [:]
    private var order: [String] = []
    private var nextSequence = 1
    private var unfinished = 0
    private var totals = Totals()
    private var ending: Ending?
    /// When the next prune has work: the first kept finished job's expiry, and how many finished
    /// jobs are kept (pruning sorts them all, so it runs only when one is due, not after every job).
    private var pruneDueAt = Int.min
    private var finishedKept = 0
    /// The unfinished jobs each connection asked to be cancelled when it closes: a closing
    /// connection looks at these, not at every job kept for the day.
    private var cancelledOnClose: [ObjectIdentifier: Set<String>] = [:]
    private let ended: Latch

    /// Jobs accepted but not finished, at most: each holds a thread while it waits for its builds.
    static let maximumUnfinished = 1024

    enum Ending { case stop, drain }

    struct Totals {
        var jobs = 0
        var cacheAnswers = 0
        var killed = 0
    }

    init(journal: Journal, queue: SlotQueue, runner: any JobRunner, ended: Latch) {
        self.journal = journal
        self.queue = queue
        self.runner = runner
        self.ended = ended
    }

    // MARK: Jobs coming in

    /// Accepts a job: journaled (durable) before the client hears of it, then started.
    func submit(_ submission: Submission, origin: ObjectIdentifier?) throws(ProtocolError) -> Job {
        guard ending == nil else {
            throw ProtocolError(.notAccepting, "the build server is \(ending == .drain ? "draining" : "stopping") and takes no new job")
        }
        guard unfinished < Self.maximumUnfinished else {
            throw ProtocolError(.overloaded, "the build server holds \(Self.maximumUnfinished) unfinished jobs already")
        }
        let request = submission.context.absolutized(submission.request)
        let accepted = Submission(kind: submission.kind, request: request, context: submission.context,
                                  cancelOnDisconnect: submission.cancelOnDisconnect)
        let job = Job(id: Self.newID(), sequence: nextSequence, kind: submission.kind, project: Self.project(of: request),
                      label: Self.label(of: accepted), submittedAt: WallClock.milliseconds(), submission: accepted, origin: origin)
        nextSequence += 1
        if let problem = journal.append(.submitted(job: job.id, sequence: job.sequence, at: job.submittedAt, kind: job.kind,
                                                   project: job.project, label: job.label, submission: accepted)) {
            ServerLog.write("job \(job.id): \(problem)")
        }
        add(job)
        if accepted.cancelOnDisconnect, let origin { cancelledOnClose[origin, default: []].insert(job.id) }
        launch(job)
        return job
    }

    /// The jobs of the journal, at start: finished ones are kept, those that were running are
    /// finished `killed`, those still queued run again.
    func restore(_ replayed: [ReplayedJob], now: Int) {
        for entry in replayed {
            nextSequence = max(nextSequence, entry.sequence + 1)
            let job = Job(id: entry.job, sequence: entry.sequence, kind: entry.kind, project: entry.project, label: entry.label,
                          submittedAt: entry.submittedAt, submission: entry.submission, origin: nil)
            add(job)
            if let finished = entry.finished {
                if let started = entry.startedAt { job.restoreStarted(at: started) }
                job.finish(finished.result, at: finished.at)
                unfinished -= 1
            } else if let started = entry.startedAt {
                job.restoreStarted(at: started)
                let result = JournalReplay.killedResult(entry)
                journal.append(.finished(job: job.id, at: now, result: result))
                job.finish(result, at: now)
                unfinished -= 1
                totals.killed += 1
                ServerLog.write("job \(job.id) was running when the previous server ended: reported killed")
            } else if entry.submission != nil {
                ServerLog.write("job \(job.id) was queued when the previous server ended: it runs now")
                launch(job)
            } else {
                // A queued job whose request was lost: it cannot run, and says why.
                let result = JSONObject([("status", "error"), ("error", "internal"),
                                         ("message", "the job's request was not kept by the previous server"), ("job", .string(job.id))])
                journal.append(.finished(job: job.id, at: now, result: result))
                job.finish(result, at: now)
                unfinished -= 1
            }
        }
        prune(now: now)
    }

    private func add(_ job: Job) {
        jobs[job.id] = job
        order.append(job.id)
        unfinished += 1
        totals.jobs += 1
    }

    /// Runs the job on a thread of its own (its builds block in the queue and in the processes).
    private func launch(_ job: Job) {
        guard let submission = job.submission else { return }
        let journal = self.journal
        let runner = self.runner
        let gate = JobGate(queue: queue, job: job.id, jobSequence: job.sequence) {
            let now = WallClock.milliseconds()
            if job.markStarted(at: now), let problem = journal.append(.started(job: job.id, at: now)) {
                ServerLog.write("job \(job.id): \(problem)")
            }
        }
        let served = ServedJob(id: job.id, kind: job.kind, request: submission.request, context: submission.context, gate: gate,
                               cancellation: job.token, progress: { event in job.publish(event.json()) })
        let table = self
        let started = DetachedThread.start { @Sendable in
            var reply = runner.run(served)
            reply["job"] = .string(job.id)
            let now = WallClock.milliseconds()
            if let problem = journal.append(.finished(job: job.id, at: now, result: reply)) {
                ServerLog.write("job \(job.id): \(problem)")
            }
            job.finish(reply, at: now)
            Task { await table.finished(job) }
        }
        if !started {
            let reply = JSONObject([("status", "error"), ("error", "internal"), ("message", "could not start a thread for the job"),
                                    ("job", .string(job.id))])
            journal.append(.finished(job: job.id, at: WallClock.milliseconds(), result: reply))
            job.finish(reply, at: WallClock.milliseconds())
            finished(job)
        }
    }

    private func finished(_ job: Job) {
        unfinished -= 1
        if let origin = job.origin {
            cancelledOnClose[origin]?.remove(job.id)
            if cancelledOnClose[origin]?.isEmpty == true { cancelledOnClose[origin] = nil }
        }
        if let result = job.result {
            switch job.kind {
            case .build:
                if result["status"] == "cached" { totals.cacheAnswers += 1 }
                if result["status"] == "killed" { totals.killed += 1 }
            case .orchestration:
                totals.cacheAnswers += result["cached"]?.intValue ?? 0
                totals.killed += (result["builds"]?.arrayValue ?? []).filter { $0["status"] == "killed" }.count
            }
        }
        finishedKept += 1
        let now = WallClock.milliseconds()
        if finishedKept > Journal.retainedJobs || now >= pruneDueAt { prune(now: now) }
        if journal.needsCompaction {
            do throws(PlanBuildError) { try journal.compact() } catch { ServerLog.write(error.message) }
        }
        if ending != nil && unfinished == 0 { ended.open() }
    }

    /// Forgets finished jobs past the retention, and the oldest beyond `Journal.retainedJobs`.
    private func prune(now: Int) {
        var finished = order.compactMap { jobs[$0]?.finishedAt }.sorted()
        finished.removeAll { now - $0 >= Journal.retentionMilliseconds }
        let oldestKept = finished.count > Journal.retainedJobs ? finished[finished.count - Journal.retainedJobs] : Int.min
        order = order.filter { id in
            guard let job = jobs[id] else { return false }
            guard let finishedAt = job.finishedAt, now - finishedAt >= Journal.retentionMilliseconds || finishedAt < oldestKept else {
                return true
            }
            jobs[id] = nil
            return false
        }
        let kept = order.compactMap { jobs[$0]?.finishedAt }
        finishedKept = kept.count
        // Saturating: a finish time comes from the journal (checked when read, but never trusted to add).
        pruneDueAt = kept.min().map { $0 > Int.max - Journal.retentionMilliseconds ? Int.max : $0 + Journal.retentionMilliseconds } ?? Int.max
    }

    // MARK: Questions

    func job(_ id: String) -> Job? { jobs[id] }

    func list() -> [JSONObject] { order.compactMap { jobs[$0]?.summary } }

    struct Overview {
        let queuedJobs: [(project: String, jobs: Int)]
        let totals: Totals
        let unfinished: Int
        let ending: Ending?
    }

    func overview() -> Overview {
        var queued: [String: Int] = [:]
        var projects: [String] = []
        for id in order {
            guard let job = jobs[id], job.phase == .queued else { continue }
            if queued[job.project] == nil { projects.append(job.project) }
            queued[job.project, default: 0] += 1
        }
        return Overview(queuedJobs: projects.map { ($0, queued[$0]!) }, totals: totals, unfinished: unfinished, ending: ending)
    }

    // MARK: Ending

    /// `stop`: no new job, every unfinished one cancelled (its builds end cleanly, its cancelled
    /// result is kept). `drain`: no new job; the server ends when the accepted ones have.
    func end(_ how: Ending) {
        if ending != .stop { ending = how }
        if how == .stop {
            for id in order { jobs[id]?.token.cancel() }
        }
        if unfinished == 0 { ended.open() }
    }

    /// A connection closed: its jobs that asked for it are cancelled.
    func disconnected(_ origin: ObjectIdentifier) {
        for id in cancelledOnClose.removeValue(forKey: origin) ?? [] {
            guard let job = jobs[id], job.phase != .finished else { continue }
            job.token.cancel()
        }
    }

    // MARK: Helpers

    /// 16 hex digits from the system's random source.
    static func newID() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The project a job belongs to: the one its request names, as the library chooses it.
    static func project(of request: JSONObject) -> String {
        let layout = ProjectLayout.chosen(option: request["project_dir_option"]?.stringValue,
                                          baseDir: request["plan_base_dir"]?.stringValue,
                                          given: request["project_dir"]?.stringValue, planDirName: nil)
        return FileSystem.absolute(layout.projectDir)
    }

    static func label(of submission: Submission) -> String {
        let request = submission.request
        let text: String
        switch submission.kind {
        case .build:
            let args = request["args"]?.stringValue ?? request["args"]?.arrayValue?.compactMap(\.stringValue).joined(separator: " ") ?? ""
            text = [request["system"]?.stringValue ?? "", args].filter { !$0.isEmpty }.joined(separator: " ")
        case .orchestration:
            text = request["command"]?.stringValue ?? ""
        }
        return String(text.prefix(512))
    }
}

/// A one-way gate a thread can wait on: the server's main thread waits until a stop or drain has
/// finished the jobs.
final class Latch: @unchecked Sendable {
    private let monitor = Monitor()
    private var isOpen = false

    func open() {
        monitor.withLock { isOpen = true }
        monitor.signal()
    }

    func wait() {
        monitor.withLock {
            while !isOpen { monitor.wait(milliseconds: 1000) }
        }
    }
}

/// The server's log: its standard error, which `server start` points at the runtime folder's
/// server.log. One line per event, with the local time.
enum ServerLog {
    static func write(_ message: String) {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        let stamp = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        let line = "\(stamp) planbuild server[\(getpid())]: \(OneLine.escape(message))\n"
        _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}
