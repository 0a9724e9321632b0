import CPlanBuildSupport
import Synchronization
import PlanBuildSupport
import PlanBuildModel

/// Lets another thread stop running builds: `cancel()` wakes every wait that holds the token.
public final class CancellationToken: @unchecked Sendable {
    // A pipe rather than a flag: the waiting side sleeps in poll() and wakes at once. Made on
    // the first wait, not before: a long-lived holder (the build server keeps a token per job for
    // a day) would otherwise hold two descriptors per job whether or not anything ever waited.
    private struct State {
        var cancelled = false
        var readEnd: Int32 = -1
        var writeEnd: Int32 = -1
        /// `release()` was called: no pipe is made again.
        var released = false
    }
    private let state = Mutex(State())

    public init() {}

    deinit {
        state.withLock { Self.closePipe(&$0) }
    }

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    public func cancel() {
        state.withLock { state in
            guard !state.cancelled else { return }
            state.cancelled = true
            if state.writeEnd >= 0 { Self.wake(state.writeEnd) }
        }
    }

    /// The descriptor a wait polls: readable once the token is cancelled; -1 when no pipe can be
    /// made (or after `release()`), and then only `isCancelled` tells.
    var waitDescriptor: Int32 {
        state.withLock { state in
            if state.readEnd < 0 && !state.released {
                var fds: [Int32] = [-1, -1]
                if pbs_make_wakeup_pipe(&fds) == 0 {
                    state.readEnd = fds[0]
                    state.writeEnd = fds[1]
                    if state.cancelled { Self.wake(state.writeEnd) }
                }
            }
            return state.readEnd
        }
    }

    /// Blocks the calling thread until the token is cancelled (a thread that turns a stop into
    /// other work, as the remote worker's).
    package func waitUntilCancelled() {
        while !isCancelled {
            var watched = pollfd(fd: waitDescriptor, events: Int16(POLLIN), revents: 0)
            // Without a pipe only the flag tells: it is looked at every 100 ms.
            if watched.fd < 0 { usleep(100_000) } else { _ = poll(&watched, 1, -1) }
        }
    }

    /// Gives the pipe back once nothing waits on this token any more (its work has ended); the
    /// token still answers `isCancelled`. The holder guarantees no wait is in progress.
    public func release() {
        state.withLock { state in
            state.released = true
            Self.closePipe(&state)
        }
    }

    private static func wake(_ descriptor: Int32) {
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
    }

    private static func closePipe(_ state: inout State) {
        if state.readEnd >= 0 { close(state.readEnd) }
        if state.writeEnd >= 0 { close(state.writeEnd) }
        state.readEnd = -1
        state.writeEnd = -1
    }
}

/// The program could not be started at all.
public struct SpawnError: Error, Equatable, CustomStringConvertible {
    public let program: String
    /// The errno of the failed start (internal: errno codes stay out of the public API).
    let code: Int32
    public var notFound: Bool { code == ENOENT }
    public var description: String {
        code == ENOENT ? "\(program): command not found (is it installed and on PATH?)"
            : "\(program): cannot start: \(SystemCall.reason(code))"
    }
}

/// Runs one program, under planbuild-supervisor, as the leader of a new process group with its output
/// on a file, and ends its whole tree (SIGTERM, a grace period, then SIGKILL) on timeout or
/// cancellation; after a normal exit what remains in its group (docs/processes.md).
public enum ProcessRunner {
    public static let defaultGraceMilliseconds = 1000

    /// `fileMask`: the build's umask (the build server's client's); nil keeps this process's.
    package static func run(_ arguments: [String], workingDirectory: String, environment: [String]? = nil,
                           outputDescriptor: Int32, timeoutMilliseconds: Int?,
                           cancellation: CancellationToken? = nil,
                           graceMilliseconds: Int = defaultGraceMilliseconds,
                           fileMask: Int? = nil) -> Result<ProcessOutcome, SpawnError> {
        guard let program = arguments.first, !program.isEmpty else {
            return .failure(SpawnError(program: "", code: ENOENT))
        }
        let started = MonotonicClock.milliseconds()
        let timeout = timeoutMilliseconds.map { Int32(clamping: max(0, $0)) } ?? -1
        let cancelFD = cancellation?.waitDescriptor ?? -1
        if let supervisor = pbs_supervisor_path() {
            return runSupervised(arguments, supervisor: supervisor, workingDirectory: workingDirectory,
                                 environment: environment, outputDescriptor: outputDescriptor, timeout: timeout,
                                 cancellation: cancellation, cancelFD: cancelFD,
                                 graceMilliseconds: graceMilliseconds, fileMask: fileMask, started: started)
        }
        // Without planbuild-supervisor beside the library (a partial install) the build runs
        // directly: its group is still ended on timeout, but not setsid'ed descendants, and a
        // file mask cannot be given (posix_spawn has no attribute for it).
        var pid: pid_t = 0
        let spawnCode = withCEnvironment(arguments, environment) { argv, envp in
            pbs_spawn(argv, envp, workingDirectory, outputDescriptor, &pid)
        }
        guard spawnCode == 0 else { return .failure(SpawnError(program: program, code: spawnCode)) }

        let waited = cancellation?.isCancelled == true ? Int32(PBS_WAIT_CANCELLED) : pbs_wait_exit(pid, cancelFD, timeout)
        let ending: ProcessOutcome.Ending
        switch waited {
        case Int32(PBS_WAIT_EXITED):
            ending = .init(statusCode: Int(pbs_reap(pid)))
        case Int32(PBS_WAIT_TIMED_OUT), Int32(PBS_WAIT_CANCELLED):
            terminateGroup(pid, graceMilliseconds: graceMilliseconds)
            _ = pbs_reap(pid)
            ending = waited == Int32(PBS_WAIT_TIMED_OUT) ? .timedOut : .cancelled
        default:
            terminateGroup(pid, graceMilliseconds: 0)
            ending = .init(statusCode: Int(pbs_reap(pid)))
        }
        return .success(ProcessOutcome(ending: ending, durationMilliseconds: MonotonicClock.milliseconds() - started))
    }

    /// The build under planbuild-supervisor: it reaps the build (so a host ignoring SIGCHLD still
    /// gets the status), ends the whole tree on timeout/cancellation and when this process dies.
    private static func runSupervised(_ arguments: [String], supervisor: UnsafePointer<CChar>, workingDirectory: String,
                                      environment: [String]?, outputDescriptor: Int32, timeout: Int32,
                                      cancellation: CancellationToken?, cancelFD: Int32,
                                      graceMilliseconds: Int, fileMask: Int?, started: Int) -> Result<ProcessOutcome, SpawnError> {
        var build = pbs_supervised()
        let mask = fileMask.map { Int32(clamping: $0) } ?? -1
        let spawnCode = withCEnvironment(arguments, environment) { argv, envp in
            pbs_supervise(supervisor, argv, envp, workingDirectory, outputDescriptor,
                          Int32(clamping: graceMilliseconds), mask, &build)
        }
        guard spawnCode == 0 else {
            // A start cut short by the run's cancellation (the supervisor ended before it could say
            // "started", EIO) is a cancelled build, not a program that cannot start.
            if cancellation?.isCancelled == true {
                return .success(ProcessOutcome(ending: .cancelled, durationMilliseconds: MonotonicClock.milliseconds() - started))
            }
            return .failure(SpawnError(program: arguments[0], code: spawnCode))
        }
        defer { pbs_supervised_close(&build) }
        var code: Int32 = -1
        let waited = cancellation?.isCancelled == true ? Int32(PBS_WAIT_CANCELLED)
            : pbs_supervised_wait(&build, cancelFD, timeout, &code)
        let ending: ProcessOutcome.Ending
        switch waited {
        case Int32(PBS_WAIT_EXITED):
            ending = .init(statusCode: Int(code))
        case Int32(PBS_WAIT_TIMED_OUT), Int32(PBS_WAIT_CANCELLED):
            _ = pbs_supervised_stop(&build)
            ending = waited == Int32(PBS_WAIT_TIMED_OUT) ? .timedOut : .cancelled
        default:
            ending = .init(statusCode: Int(pbs_supervised_stop(&build)))
        }
        return .success(ProcessOutcome(ending: ending, durationMilliseconds: MonotonicClock.milliseconds() - started))
    }

    /// argv and envp for posix_spawn; no environment given means the caller's own, as a shell would pass it on.
    private static func withCEnvironment(_ arguments: [String], _ environment: [String]?,
                                         _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32) -> Int32 {
        CStringArray.with(arguments) { argv in
            if let environment {
                return CStringArray.with(environment) { envp in body(argv, envp) }
            }
            let inherited = UnsafeRawPointer(environ).map { $0.assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
            return body(argv, inherited)
        }
    }

    /// SIGTERM to the group, up to `graceMilliseconds` for the leader to go, then SIGKILL to
    /// whatever of the group is left. The leader is still unreaped here, so its pid (and with it
    /// the group id) cannot have been reused by an unrelated process.
    static func terminateGroup(_ leader: pid_t, graceMilliseconds: Int) {
        _ = pbs_signal_group(leader, SIGTERM)
        if graceMilliseconds > 0 {
            _ = pbs_wait_exit(leader, -1, Int32(clamping: graceMilliseconds))
        }
        _ = pbs_signal_group(leader, SIGKILL)
    }
}

/// NUL-terminated C string arrays for posix_spawn, freed when the call returns.
package enum CStringArray {
    package static func with<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }
}
