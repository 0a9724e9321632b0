#if canImport(Glibc)
import Glibc
#endif
import CPlanBuildSupport
import Synchronization

/// Lets another thread stop running builds: `cancel()` wakes every wait that holds the token.
public final class CancellationToken: @unchecked Sendable {
    // A pipe rather than a flag: the waiting side sleeps in poll() and wakes at once.
    private let readEnd: Int32
    private let writeEnd: Int32
    private let cancelled = Mutex(false)

    public init() {
        var fds: [Int32] = [-1, -1]
        if pbs_make_wakeup_pipe(&fds) != 0 { fds = [-1, -1] }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
        if writeEnd >= 0 { close(writeEnd) }
    }

    public var isCancelled: Bool { cancelled.withLock { $0 } }

    public func cancel() {
        let first = cancelled.withLock { cancelled -> Bool in
            defer { cancelled = true }
            return !cancelled
        }
        if first && writeEnd >= 0 {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }
    }

    var waitDescriptor: Int32 { readEnd }
}

/// How a child process ended.
public struct ProcessOutcome: Equatable, Sendable {
    public enum Ending: Equatable, Sendable {
        /// Exit code, or 128 + signal for a child killed by a signal.
        case exited(Int)
        case timedOut
        case cancelled
    }

    public let ending: Ending
    public let durationMilliseconds: Int
}

/// The program could not be started at all.
public struct SpawnError: Error, Equatable, CustomStringConvertible {
    public let program: String
    public let code: Int32
    public var notFound: Bool { code == ENOENT }
    public var description: String {
        code == ENOENT ? "\(program): command not found (is it installed and on PATH?)"
            : "\(program): cannot start: \(String(cString: strerror(code)))"
    }
}

/// Runs one program as the leader of a new process group with its output on a file, and ends
/// the whole group (SIGTERM, a grace period, then SIGKILL) on timeout or cancellation.
public enum ProcessRunner {
    public static let defaultGraceMilliseconds = 1000

    public static func run(_ arguments: [String], workingDirectory: String, environment: [String]? = nil,
                           outputDescriptor: Int32, timeoutMilliseconds: Int?,
                           cancellation: CancellationToken? = nil,
                           graceMilliseconds: Int = defaultGraceMilliseconds) -> Result<ProcessOutcome, SpawnError> {
        guard let program = arguments.first, !program.isEmpty else {
            return .failure(SpawnError(program: "", code: ENOENT))
        }
        let started = MonotonicClock.milliseconds()
        var pid: pid_t = 0
        let spawnCode = CStringArray.with(arguments) { argv in
            if let environment {
                return CStringArray.with(environment) { envp in
                    pbs_spawn(argv, envp, workingDirectory, outputDescriptor, &pid)
                }
            }
            // The caller's own environment, as a shell would pass it on.
            let inherited = UnsafeRawPointer(environ).map { $0.assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
            return pbs_spawn(argv, inherited, workingDirectory, outputDescriptor, &pid)
        }
        guard spawnCode == 0 else { return .failure(SpawnError(program: program, code: spawnCode)) }

        let timeout = timeoutMilliseconds.map { Int32(clamping: max(0, $0)) } ?? -1
        let cancelFD = cancellation?.waitDescriptor ?? -1
        let waited = cancellation?.isCancelled == true ? Int32(PBS_WAIT_CANCELLED) : pbs_wait_exit(pid, cancelFD, timeout)
        let ending: ProcessOutcome.Ending
        switch waited {
        case Int32(PBS_WAIT_EXITED):
            ending = .exited(Int(pbs_reap(pid)))
        case Int32(PBS_WAIT_TIMED_OUT), Int32(PBS_WAIT_CANCELLED):
            terminateGroup(pid, graceMilliseconds: graceMilliseconds)
            _ = pbs_reap(pid)
            ending = waited == Int32(PBS_WAIT_TIMED_OUT) ? .timedOut : .cancelled
        default:
            terminateGroup(pid, graceMilliseconds: 0)
            ending = .exited(Int(pbs_reap(pid)))
        }
        return .success(ProcessOutcome(ending: ending, durationMilliseconds: MonotonicClock.milliseconds() - started))
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
enum CStringArray {
    static func with<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
        }
    }
}

public enum MonotonicClock {
    public static func milliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }
}
