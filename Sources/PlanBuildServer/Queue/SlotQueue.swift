import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution

/// The machine-wide limit of concurrent builds, and who goes next.
///
/// - A build takes one of `capacity` slots from its start to its end; a cache answer never
///   reaches the queue.
/// - Each project (its folder) has a queue of its own, FIFO by the job that asked (the builds
///   of one orchestration among themselves by critical path, then by arrival). A free slot goes
///   to the project served least recently, so one project's 40 queued builds never starve
///   another project's 2.
/// - A build equal to a queued one (same project and identity) joins it; one equal to a running
///   one — or to one that succeeded in the last `recentMilliseconds` — joins it when both input digests
///   are known and the same (a build that started may have read an older tree). One process, and
///   every caller gets its result: callers of one orchestration that start their builds a moment
///   apart still share each build.
/// - A caller that stops waiting leaves its build; the build is dropped (queued) or ended
///   (running) only when no caller is left.
///
/// Lock-based, not an actor: the callers are build threads that block until their build may
/// start or has ended, and blocking threads cannot await an actor without a task hop whose order
/// is not kept.
public final class SlotQueue: @unchecked Sendable {
    public let capacity: Int
    private let monitor = Monitor()
    // Everything below is guarded by `monitor`.
    private var inUse = 0
    private var queued: [String: [SharedBuild]] = [:]
    private var running: [SharedBuild] = []
    /// Queued and running builds by project and identity, for joining.
    private var byKey: [String: [SharedBuild]] = [:]
    /// Builds that finished lately with a known input digest, newest last.
    private var recent: [SharedBuild] = []
    static let recentMilliseconds = 30_000
    private var lastServed: [String: Int] = [:]
    private var grants = 0
    private var arrivals = 0
    private var callers = 0
    private var totals = Totals()

    public struct Totals: Sendable, Equatable {
        /// Builds that started a process.
        public var builds = 0
        /// Callers that joined an identical queued or running build instead of starting one.
        public var attached = 0
    }

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// One caller's request for a slot. `job` and `jobSequence` order the project's queue (FIFO by
    /// job); `onStart` runs when the build runs for this caller.
    public func run(_ build: GatedBuild, job: String, jobSequence: Int, cancellation: CancellationToken?,
                    onStart: @escaping @Sendable () -> Void,
                    work: @escaping @Sendable (CancellationToken) -> BuildResult) -> BuildResult? {
        let key = build.project + "\u{0}" + build.identity
        var startNow: [SharedBuild] = []
        let (shared, caller, joinedRunning): (SharedBuild, Int, Bool) = monitor.withLock {
            callers += 1
            let caller = callers
            let candidates = byKey[key] ?? []
            if let waiting = candidates.first(where: { $0.phase == .queued }) {
                waiting.join(caller: caller, job: job, cancellation: cancellation, onStart: onStart)
                totals.attached += 1
                return (waiting, caller, false)
            }
            if let digest = build.inputDigest,
               let same = candidates.first(where: { $0.phase == .running && $0.build.inputDigest == digest })
                ?? recentlyFinished(key: key, digest: digest) {
                if same.phase == .running { same.join(caller: caller, job: job, cancellation: cancellation, onStart: nil) }
                totals.attached += 1
                return (same, caller, true)
            }
            arrivals += 1
            let fresh = SharedBuild(build: build, key: key, jobSequence: jobSequence, arrival: arrivals, work: work)
            fresh.join(caller: caller, job: job, cancellation: cancellation, onStart: onStart)
            queued[build.project, default: []].append(fresh)
            queued[build.project]!.sort(by: SharedBuild.precedes)
            byKey[key, default: []].append(fresh)
            startNow = dispatch()
            return (fresh, caller, false)
        }
        launch(startNow)
        if joinedRunning { onStart() }
        return monitor.withLock { () -> BuildResult? in
            while true {
                if shared.phase == .finished { return shared.result }
                if cancellation?.isCancelled == true {
                    leave(shared, caller: caller)
                    return nil
                }
                // Cancellation is looked at every 100 ms; a finished build wakes every waiter at once.
                monitor.wait(milliseconds: 100)
            }
        }
    }

    /// With the lock held: takes free slots for the next builds, each from the project served
    /// least recently (never served first, then the one whose first build came earliest).
    private func dispatch() -> [SharedBuild] {
        var started: [SharedBuild] = []
        while inUse < capacity {
            let candidates = queued.filter { !$0.value.isEmpty }
            guard let project = candidates.min(by: { left, right in
                let (l, r) = (lastServed[left.key] ?? -1, lastServed[right.key] ?? -1)
                return l != r ? l < r : left.value[0].arrival < right.value[0].arrival
            })?.key else { break }
            // A caller cancelled a moment ago may not have noticed yet (it looks every 100 ms):
            // it leaves now, so a build nobody waits for any more never takes the slot.
            let first = queued[project]![0]
            for caller in first.cancelledCallers { leave(first, caller: caller) }
            if first.phase == .abandoned { continue }
            let next = queued[project]!.removeFirst()
            if queued[project]!.isEmpty { queued[project] = nil }
            grants += 1
            lastServed[project] = grants
            inUse += 1
            totals.builds += 1
            next.phase = .running
            next.startedAt = MonotonicClock.milliseconds()
            running.append(next)
            started.append(next)
        }
        return started
    }

    /// Tells each granted build's callers that it starts, then runs it on a thread of its own.
    private func launch(_ builds: [SharedBuild]) {
        for build in builds {
            let callbacks = monitor.withLock { build.takeStartCallbacks() }
            for callback in callbacks { callback() }
            let work = build.work
            let token = build.token
            let ok = DetachedThread.start { [self] in
                let result = work(token)
                finish(build, result)
            }
            if !ok {
                finish(build, BuildResult(status: .error, exitCode: -1, durationSeconds: 0, logFile: "", command: build.build.label,
                                          error: BuildResult.ErrorKind.executionFailed, message: "could not start a thread for the build"))
            }
        }
    }

    private func finish(_ build: SharedBuild, _ result: BuildResult) {
        let more: [SharedBuild] = monitor.withLock {
            build.phase = .finished
            build.result = result
            build.finishedAt = MonotonicClock.milliseconds()
            // Only a success is handed on afterwards: a failure, a timeout or a kill may not repeat.
            if build.build.inputDigest != nil && result.status == .success { recent.append(build) }
            inUse -= 1
            running.removeAll { $0 === build }
            forget(build)
            return dispatch()
        }
        monitor.signal()
        launch(more)
    }

    /// With the lock held: a caller stops waiting; the last one out drops or ends the build.
    private func leave(_ build: SharedBuild, caller: Int) {
        build.leave(caller: caller)
        guard build.interested == 0 else { return }
        switch build.phase {
        case .queued:
            queued[build.build.project]?.removeAll { $0 === build }
            if queued[build.build.project]?.isEmpty == true { queued[build.build.project] = nil }
            build.phase = .abandoned
            forget(build)
        case .running:
            build.token.cancel()
        case .finished, .abandoned:
            break
        }
    }

    /// With the lock held: a build of `key` with `digest` that finished lately; older ones are let go.
    private func recentlyFinished(key: String, digest: String) -> SharedBuild? {
        let now = MonotonicClock.milliseconds()
        recent.removeAll { now - ($0.finishedAt ?? now) > Self.recentMilliseconds }
        return recent.last { $0.key == key && $0.build.inputDigest == digest }
    }

    private func forget(_ build: SharedBuild) {
        byKey[build.key]?.removeAll { $0 === build }
        if byKey[build.key]?.isEmpty == true { byKey[build.key] = nil }
    }

    // MARK: What `status` shows

    public struct Snapshot: Sendable {
        public struct Running: Sendable {
            public let label: String
            public let project: String
            public let elapsedMilliseconds: Int
            public let jobs: [String]
        }

        public let capacity: Int
        public let inUse: Int
        /// Queued builds per project, in the order their projects would be served.
        public let queued: [(project: String, builds: Int)]
        public let running: [Running]
        public let totals: Totals
    }

    public func snapshot() -> Snapshot {
        monitor.withLock {
            let now = MonotonicClock.milliseconds()
            let order = queued.keys.sorted { (lastServed[$0] ?? -1, $0) < (lastServed[$1] ?? -1, $1) }
            return Snapshot(capacity: capacity, inUse: inUse, queued: order.map { ($0, queued[$0]!.count) },
                            running: running.map { build in
                                Snapshot.Running(label: build.build.label, project: build.build.project,
                                                 elapsedMilliseconds: now - (build.startedAt ?? now), jobs: build.jobs)
                            },
                            totals: totals)
        }
    }

    /// When the build a caller of `job` waits for started (monotonic ms) and what it is expected to take.
    public func progress(of job: String) -> (startedAt: Int, expectedMilliseconds: Int?)? {
        monitor.withLock {
            running.first { $0.jobs.contains(job) }.map { ($0.startedAt ?? 0, $0.build.expectedMilliseconds) }
        }
    }
}

/// One build in the queue or running, and the callers waiting for it. Guarded by its queue's lock.
final class SharedBuild: @unchecked Sendable {
    enum Phase { case queued, running, finished, abandoned }

    let build: GatedBuild
    let key: String
    let jobSequence: Int
    let arrival: Int
    let work: @Sendable (CancellationToken) -> BuildResult
    /// Fires only when no caller waits any more (or the server stops).
    let token = CancellationToken()
    var phase = Phase.queued
    var result: BuildResult?
    var startedAt: Int?
    var finishedAt: Int?
    /// Each caller still waiting: its job, and the token that cancels its waiting (if any).
    private var waiting: [Int: (job: String, cancellation: CancellationToken?)] = [:]
    private var startCallbacks: [Int: @Sendable () -> Void] = [:]

    init(build: GatedBuild, key: String, jobSequence: Int, arrival: Int, work: @escaping @Sendable (CancellationToken) -> BuildResult) {
        self.build = build
        self.key = key
        self.jobSequence = jobSequence
        self.arrival = arrival
        self.work = work
    }

    var interested: Int { waiting.count }
    var jobs: [String] { waiting.keys.sorted().compactMap { waiting[$0]?.job } }

    func join(caller: Int, job: String, cancellation: CancellationToken?, onStart: (@Sendable () -> Void)?) {
        waiting[caller] = (job, cancellation)
        if let onStart { startCallbacks[caller] = onStart }
    }

    /// The callers whose waiting was cancelled, whether or not they have noticed yet.
    var cancelledCallers: [Int] {
        waiting.filter { $0.value.cancellation?.isCancelled == true }.keys.sorted()
    }

    func leave(caller: Int) {
        waiting[caller] = nil
        startCallbacks[caller] = nil
    }

    func takeStartCallbacks() -> [@Sendable () -> Void] {
        defer { startCallbacks.removeAll() }
        return startCallbacks.keys.sorted().compactMap { startCallbacks[$0] }
    }

    /// A project's queue: earlier job first; inside one job the larger priority (critical path), then arrival.
    static func precedes(_ left: SharedBuild, _ right: SharedBuild) -> Bool {
        if left.jobSequence != right.jobSequence { return left.jobSequence < right.jobSequence }
        if left.build.priority != right.build.priority { return left.build.priority > right.build.priority }
        return left.arrival < right.arrival
    }
}

/// The gate of one job: its builds queue under the job's id and place.
public struct JobGate: BuildGate {
    let queue: SlotQueue
    let job: String
    let jobSequence: Int
    /// Called when any build of the job first runs.
    let onStart: @Sendable () -> Void

    public init(queue: SlotQueue, job: String, jobSequence: Int, onStart: @escaping @Sendable () -> Void) {
        self.queue = queue
        self.job = job
        self.jobSequence = jobSequence
        self.onStart = onStart
    }

    public func run(_ build: GatedBuild, cancellation: CancellationToken?, started: @escaping @Sendable () -> Void,
                    work: @escaping @Sendable (CancellationToken) -> BuildResult) -> BuildResult? {
        let onStart = self.onStart
        return queue.run(build, job: job, jobSequence: jobSequence, cancellation: cancellation, onStart: {
            onStart()
            started()
        }, work: work)
    }
}
