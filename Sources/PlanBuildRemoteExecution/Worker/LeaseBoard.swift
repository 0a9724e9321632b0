import PlanBuildSupport
import PlanBuildExecution

/// The leases this bot holds, shared by the session loop and the threads that run them: which
/// run (and the token that cancels each), which finished and wait to be reported, and the wake-up
/// of the session loop when one finishes (its long poll is cut short so the result goes out at once).
final class LeaseBoard: @unchecked Sendable {
    private struct Running {
        let cancellation: CancellationToken
        /// The server no longer lists it: it is cancelled and its result is never reported.
        var dropped = false
    }

    private let monitor = Monitor()
    private var running: [String: Running] = [:]
    private var finished: [String: Lease] = [:]
    /// The token of the UpdateBotSession call in flight, cancelled when a lease finishes.
    private var poll: CancellationToken?
    private var stopping = false

    var isStopping: Bool { monitor.withLock { stopping } }

    /// Leases running or waiting to be reported: the slots in use.
    var occupied: Int { monitor.withLock { running.count + finished.count } }

    /// Whether `id` is this bot's already (running, or finished and not yet reported).
    func holds(_ id: String) -> Bool { monitor.withLock { running[id] != nil || finished[id] != nil } }

    /// Takes `id` on; its token cancels it.
    func start(_ id: String) -> CancellationToken {
        let token = CancellationToken()
        monitor.withLock { running[id] = Running(cancellation: token) }
        return token
    }

    /// Records the lease's end (its report, unless the server dropped it meanwhile) and wakes the loop.
    func finish(_ id: String, report: Lease) {
        let poll: CancellationToken? = monitor.withLock {
            let entry = running.removeValue(forKey: id)
            if entry?.dropped == false { finished[id] = report }
            return self.poll
        }
        poll?.cancel()
        monitor.signal()
    }

    /// What the next UpdateBotSession reports: ACTIVE for each running lease, the COMPLETED ones
    /// with their results; and a new token for the call, cancelled when a lease finishes after
    /// this (its report goes out in the call after) or the worker stops.
    func nextUpdate() -> (leases: [Lease], completed: [String], token: CancellationToken) {
        let token = CancellationToken()
        let (leases, stopped): ([Lease], Bool) = monitor.withLock {
            poll = token
            return (currentReport(), stopping)
        }
        if stopped { token.cancel() }
        return (leases, leases.filter { $0.state == .completed }.map(\.id), token)
    }

    /// The same report for the last call of a stopping worker (no token: it is not cut short).
    func finalReport() -> [Lease] { monitor.withLock { currentReport() } }

    /// Call with the lock held.
    private func currentReport() -> [Lease] {
        running.filter { !$0.value.dropped }.keys.sorted().map { Lease(id: $0, state: .active) }
            + finished.keys.sorted().compactMap { finished[$0] }
    }

    /// The server has the reports of `ids`: they are forgotten.
    func reported(_ ids: [String]) {
        monitor.withLock { for id in ids { finished[id] = nil } }
    }

    /// The server's list of this bot's leases: a running one it no longer lists (or lists as
    /// cancelled) is cancelled, its process tree ended.
    func reconcile(with leases: [Lease]) {
        let listed = Set(leases.filter { $0.state != .cancelled }.map(\.id))
        let cancelled: [CancellationToken] = monitor.withLock {
            var tokens: [CancellationToken] = []
            for (id, entry) in running where !entry.dropped && !listed.contains(id) {
                running[id]?.dropped = true
                tokens.append(entry.cancellation)
            }
            return tokens
        }
        for token in cancelled { token.cancel() }
    }

    /// Forgets every report and cancels every running lease (the server has lost the session,
    /// and with it these leases: it gives them to another bot).
    func abandonAll() {
        let tokens: [CancellationToken] = monitor.withLock {
            finished = [:]
            for id in running.keys { running[id]?.dropped = true }
            return running.values.map(\.cancellation)
        }
        for token in tokens { token.cancel() }
    }

    /// The worker stops: every running lease is cancelled; each reports itself as handed back.
    func stopAll() {
        let tokens: [CancellationToken] = monitor.withLock {
            stopping = true
            return running.values.map(\.cancellation) + [poll].compactMap { $0 }
        }
        for token in tokens { token.cancel() }
        monitor.signal()
    }

    /// Sleeps up to `milliseconds`, less when the worker stops, and with `untilFinished` also
    /// when a lease's report waits to go out (not between failed calls: a report that cannot be
    /// sent must not make the loop call without pause).
    func wait(milliseconds: Int, untilFinished: Bool) {
        let deadline = MonotonicClock.milliseconds() + milliseconds
        monitor.withLock {
            while !stopping && !(untilFinished && !finished.isEmpty) {
                let left = deadline - MonotonicClock.milliseconds()
                if left <= 0 { return }
                monitor.wait(milliseconds: left)
            }
        }
    }

    /// Waits until no lease runs any more, at most `milliseconds`.
    func waitUntilIdle(milliseconds: Int) {
        let deadline = MonotonicClock.milliseconds() + milliseconds
        monitor.withLock {
            while !running.isEmpty {
                let left = deadline - MonotonicClock.milliseconds()
                if left <= 0 { return }
                monitor.wait(milliseconds: left)
            }
        }
    }
}
