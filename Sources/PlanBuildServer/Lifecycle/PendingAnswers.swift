import PlanBuildSupport

/// The `wait` answers the server still owes: each `wait` enters before its task starts and
/// leaves once its answer is queued. A stopping server waits, bounded, until none is owed, so the
/// last waiters of a drain or stop get their answer instead of a closed connection.
final class PendingAnswers: @unchecked Sendable {
    private let monitor = Monitor()
    private var owed = 0 // guarded by monitor

    func enter() {
        monitor.withLock { owed += 1 }
    }

    func leave() {
        let none = monitor.withLock { () -> Bool in
            owed -= 1
            return owed == 0
        }
        if none { monitor.signal() }
    }

    /// Sleeps until no answer is owed or `milliseconds` have passed; true when none is owed.
    @discardableResult
    func waitUntilNone(milliseconds: Int) -> Bool {
        let deadline = MonotonicClock.milliseconds() + milliseconds
        return monitor.withLock {
            while owed > 0 {
                let left = deadline - MonotonicClock.milliseconds()
                if left <= 0 { return false }
                monitor.wait(milliseconds: left)
            }
            return true
        }
    }
}
