import PlanBuildServer
import Synchronization
import PlanBuildSupport
import PlanBuildExecution

/// One pb_run or pb_execute in flight, by handle: pb_cancel reaches its token from any thread,
/// and a job started with pb_*_start keeps its reply until pb_wait takes it.
final class Job: @unchecked Sendable {
    let token = CancellationToken()
    private let monitor = Monitor()
    private var reply: JSONValue?
    private let detachRequested = Atomic<Bool>(false)

    /// How the caller may interrupt this job's wait.
    var waiting: Waiting {
        Waiting(token: token, detached: { [self] in detachRequested.load(ordering: .acquiring) })
    }

    /// pb_detach: stop waiting. A job in the build server goes on; one in this process cannot
    /// outlive the caller's wait and is cancelled.
    func detach() {
        detachRequested.store(true, ordering: .releasing)
        token.cancel()
    }

    var isFinished: Bool { monitor.withLock { reply != nil } }

    func finish(_ value: JSONValue) {
        monitor.withLock { reply = value }
        monitor.signal()
    }

    func wait() -> JSONValue {
        monitor.withLock {
            while reply == nil { monitor.wait(milliseconds: 1000) }
            return reply!
        }
    }
}

enum Jobs {
    private struct Table {
        var jobs: [Int64: Job] = [:]
        var nextHandle: Int64 = 1
    }

    private static let table = Mutex(Table())

    static func register() -> (handle: Int64, job: Job) {
        let job = Job()
        return table.withLock { table in
            let handle = table.nextHandle
            table.nextHandle += 1
            table.jobs[handle] = job
            return (handle, job)
        }
    }

    static func job(_ handle: Int64) -> Job? { table.withLock { $0.jobs[handle] } }

    static func remove(_ handle: Int64) { table.withLock { $0.jobs[handle] = nil } }

    /// True when a job with that handle was still running.
    static func cancel(_ handle: Int64) -> Bool {
        guard let job = job(handle), !job.isFinished else { return false }
        job.token.cancel()
        return true
    }

    /// True when a job with that handle was still running.
    static func detach(_ handle: Int64) -> Bool {
        guard let job = job(handle), !job.isFinished else { return false }
        job.detach()
        return true
    }

    /// Runs `work` on a thread of its own; the reply waits for pb_wait.
    static func start(_ work: @escaping (Int64, Job) -> JSONValue) -> Int64 {
        let (handle, job) = register()
        let started = DetachedThread.start { job.finish(work(handle, job)) }
        if !started { job.finish(Reply.error(PlanBuildError(.internal, "cannot start a thread for the job"))) }
        return handle
    }

    /// The reply of a started job, once it ended; the handle is released.
    static func wait(_ handle: Int64) -> JSONValue {
        guard let job = job(handle) else {
            return Reply.error(invalid("no job with handle \(handle) (never started, or already waited for)"))
        }
        let reply = job.wait()
        remove(handle)
        return reply
    }
}

/// Who waits for a build or run, and how the wait may be interrupted: pb_cancel cancels;
/// pb_detach stops waiting (a job of the build server then goes on).
struct Waiting: Sendable {
    let token: CancellationToken?
    let detached: @Sendable () -> Bool

    static let uninterrupted = Waiting(token: nil, detached: { false })

    /// What the caller asks of a job in the build server now, if anything.
    var interruption: ServedCall.Interruption? {
        guard token?.isCancelled == true else { return nil }
        return detached() ? .detach : .cancel
    }
}
