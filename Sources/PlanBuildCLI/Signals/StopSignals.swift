import Synchronization
import PlanBuildSupport
import PlanBuildExecution

/// How `planbuild run` and `planbuild orchestrate` stop when told to: SIGINT, SIGTERM,
/// SIGHUP and SIGQUIT cancel the running builds (the supervisor ends each build's whole tree), the
/// command prints what it has so far and exits with 128 + the signal. A second signal exits at once
/// (the builds' supervisors see this process go and end the trees themselves).
/// SIGPIPE is ignored; a write that meets a closed pipe (`… | head -2`) cancels the same way, and
/// the command stops without printing more (exit 141).
///
/// The signals are blocked in every thread (install runs before the first thread is created) and
/// taken by one thread with sigwait, where locking and cancelling is safe (a handler could not lock).
///
/// A signal ends the command in any state: when it has not ended `deadlineMilliseconds` after the
/// first stop signal (still deciding what is cached, reading a file, waiting on a server, where
/// the cancellation is not looked at), the process exits with 128 + the signal without its report,
/// as a second signal would. The documentation promises 3 s.
enum StopSignals {
    static let deadlineMilliseconds = 2_500

    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    private static let received = Atomic<Int32>(0)
    private static let token = Mutex<CancellationToken?>(nil)
    /// The live display, when one is drawn: it prints the stop message above its block, and puts the
    /// terminal back (cursor shown) before a second signal ends the process.
    private static let announcer = Mutex<(@Sendable (String) -> Void)?>(nil)
    private static let restorer = Mutex<(@Sendable () -> Void)?>(nil)

    static func setAnnouncer(_ announce: (@Sendable (String) -> Void)?) { announcer.withLock { $0 = announce } }
    static func setRestorer(_ restore: (@Sendable () -> Void)?) { restorer.withLock { $0 = restore } }

    /// The first stop signal taken, or 0.
    static var signal: Int32 { received.load(ordering: .acquiring) }

    /// 128 + the signal when the command was told to stop.
    static var exitCode: Int32? { signal == 0 ? nil : 128 + signal }

    static func install(_ cancellation: CancellationToken) {
        token.withLock { $0 = cancellation }
        Glibc.signal(SIGPIPE, SIG_IGN)
        var signals = sigset_t()
        sigemptyset(&signals)
        // A signal the command was started with ignored (SIGHUP under nohup) stays ignored.
        for number in handled where !ignored(number) { sigaddset(&signals, number) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let waiter = SignalWaiter(signals: signals)
        var thread = pthread_t()
        let box = Unmanaged.passRetained(waiter).toOpaque()
        if pthread_create(&thread, nil, { argument in
            let waiter = Unmanaged<SignalWaiter>.fromOpaque(argument!).takeRetainedValue()
            waiter.wait()
            return nil
        }, box) == 0 {
            pthread_detach(thread)
        }
    }

    private static func ignored(_ number: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(number, nil, &current) == 0 else { return false }
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Records the stop and cancels the builds; a second stop signal ends the process at once.
    static func stop(_ number: Int32, announce: Bool) {
        let (exchanged, _) = received.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing)
        if !exchanged && number != SIGPIPE {
            restorer.withLock { $0 }?()
            _exit(128 + signal)
        }
        if exchanged && announce {
            let message = "planbuild: signal \(number) received, cancelling running builds…"
            if let show = announcer.withLock({ $0 }) { show(message) } else { printError(message) }
        }
        token.withLock { $0 }?.cancel()
    }

    /// The run did not stop in time after a stop signal: the process ends now.
    static func deadlinePassed() -> Never {
        restorer.withLock { $0 }?()
        printError("planbuild: the run did not stop within \(deadlineMilliseconds) ms of signal \(signal); exiting without its report")
        _exit(128 + signal)
    }

    /// A write met a closed pipe.
    static func pipeClosed() {
        if signal == 0 { stop(SIGPIPE, announce: false) }
    }

    final class SignalWaiter: @unchecked Sendable {
        var signals: sigset_t
        init(signals: sigset_t) { self.signals = signals }

        func wait() {
            var number: Int32 = 0
            guard sigwait(&signals, &number) == 0 else { return }
            StopSignals.stop(number, announce: true)
            // From here a second signal ends the process (stop), and so does the deadline.
            let deadline = MonotonicClock.milliseconds() + StopSignals.deadlineMilliseconds
            while true {
                let remaining = deadline - MonotonicClock.milliseconds()
                if remaining <= 0 { StopSignals.deadlinePassed() }
                var timeout = timespec(tv_sec: remaining / 1000, tv_nsec: (remaining % 1000) * 1_000_000)
                let taken = sigtimedwait(&signals, nil, &timeout)
                if taken > 0 { StopSignals.stop(taken, announce: true) }
            }
        }
    }
}
