import PlanBuildSupport

/// The time one run may spend waiting for the remote cache: the wall-clock time during which at
/// least one request is in flight (parallel requests count once), summed over the run. Each
/// request's deadline is cut to what is left, so the server can never hold a run longer than the
/// budget, however it spreads its slowness over requests. Thread-safe.
final class RemoteBudget: @unchecked Sendable {
    let seconds: Double
    private let clock: @Sendable () -> Int
    private let monitor = Monitor()
    // Guarded by `monitor`, in milliseconds of `clock`.
    private var spent = 0
    private var inFlight = 0
    private var since = 0

    /// `clock`: milliseconds of a monotonic clock (a test passes its own).
    init(seconds: Double, clock: @escaping @Sendable () -> Int = { MonotonicClock.milliseconds() }) {
        self.seconds = seconds
        self.clock = clock
    }

    private var limit: Int { Int(min(max(seconds, 0), 86_400) * 1000) }

    /// Starts a request that wants `deadline` seconds: the deadline it gets (never more than is
    /// left), or nil when the budget is spent and the request must not be made. Every non-nil
    /// answer is followed by one `finish()`.
    func start(deadline: Double) -> Double? {
        monitor.withLock {
            let now = clock()
            let used = spent + (inFlight > 0 ? now - since : 0)
            let left = limit - used
            guard left > 0 else { return nil }
            if inFlight == 0 { since = now }
            inFlight += 1
            return min(deadline, Double(left) / 1000)
        }
    }

    func finish() {
        monitor.withLock {
            inFlight -= 1
            if inFlight == 0 { spent += clock() - since }
        }
    }

    /// Whether nothing is left.
    var isSpent: Bool {
        monitor.withLock {
            let used = spent + (inFlight > 0 ? clock() - since : 0)
            return used >= limit
        }
    }
}
