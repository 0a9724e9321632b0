import CPlanBuildServerSupport
import CPlanBuildSupport
import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution

/// Starting the build server, as the Gradle daemon and the Bazel server are started: by the
/// first client that needs one, under one lock so that two clients never start two servers.
public enum ServerLauncher {
    /// How long a client waits for a starting server to answer.
    static let readyMilliseconds = 20_000

    /// From libplanbuild.so or any client: runs `planbuild-cli server start` and waits for it.
    /// The server is that program's child, not this process's, so no zombie of it is left here.
    public static func runStarter(_ directory: RuntimeDirectory) throws(PlanBuildError) {
        let path = try cliPath()
        try directory.prepare()
        let log = try openLog(directory)
        defer { close(log) }
        var pid: pid_t = 0
        let code = CStringArray.with([path, "server", "start", "--quiet"]) { argv in pbsv_spawn_detached(argv, nil, log, &pid) }
        guard code == 0 else {
            throw PlanBuildError(.serverUnavailable, "cannot run \(path): \(SystemCall.reason(code))")
        }
        let status = Int(pbs_reap(pid))
        // -1: a host that ignores SIGCHLD had it reaped already; connecting tells whether it worked.
        guard status == 0 || status == -1 else {
            let ending: String
            switch ProcessOutcome.Ending(statusCode: status) {
            case .killed(let signal): ending = "was ended by signal \(signal)"
            default: ending = "exited \(status)"
            }
            throw PlanBuildError(.serverUnavailable, "the build server did not start (\(path) server start \(ending)); see \(directory.log)")
        }
    }

    public enum Started: Sendable, Equatable {
        case started(pid: pid_t)
        case alreadyRunning
    }

    /// `planbuild server start`: under the start lock, starts `planbuild-cli server run` in a
    /// session of its own (output to the folder's server.log) unless a server answers already,
    /// and waits until it answers.
    public static func start(_ directory: RuntimeDirectory, extraArguments: [String] = []) throws(PlanBuildError) -> Started {
        try directory.prepare()
        let lock = try lockStart(directory)
        defer { close(lock) }
        if try ServerConnection.open(directory) != nil { return .alreadyRunning }
        let path = try cliPath()
        let log = try openLog(directory)
        defer { close(log) }
        var pid: pid_t = 0
        let code = CStringArray.with([path, "server", "run"] + extraArguments) { argv in pbsv_spawn_detached(argv, nil, log, &pid) }
        guard code == 0 else { throw PlanBuildError(.serverUnavailable, "cannot run \(path): \(SystemCall.reason(code))") }
        let deadline = MonotonicClock.milliseconds() + readyMilliseconds
        while MonotonicClock.milliseconds() < deadline {
            if try ServerConnection.open(directory) != nil { return .started(pid: pid) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw PlanBuildError(.serverUnavailable, "the build server exited at once; see \(directory.log)")
            }
            usleep(10_000)
        }
        throw PlanBuildError(.serverUnavailable, "the build server did not answer within \(readyMilliseconds / 1000) s; see \(directory.log)")
    }

    /// The planbuild CLI, which runs the server: where PLANBUILD_CLI says, else beside this
    /// binary (libplanbuild.so, or the CLI itself).
    private static func cliPath() throws(PlanBuildError) -> String {
        let found = Beside.find("planbuild-cli", variable: "PLANBUILD_CLI", executable: true)
        guard let path = found.path else {
            let looked = found.looked.isEmpty ? "" : " (looked for \(found.looked))"
            throw PlanBuildError(.serverUnavailable,
                                 "cannot start the build server: planbuild-cli is not beside the library\(looked); set PLANBUILD_CLI=/path/to/planbuild-cli")
        }
        return path
    }

    /// The start lock, waited for at most `readyMilliseconds` (a client starting a server holds it).
    private static func lockStart(_ directory: RuntimeDirectory) throws(PlanBuildError) -> Int32 {
        let folder = try directory.openFolder()
        defer { close(folder) }
        let lock = openat(folder, "start.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard lock >= 0 else {
            throw PlanBuildError(.serverUnavailable, "cannot open \(directory.startLock): \(SystemCall.reason(errno))")
        }
        let deadline = MonotonicClock.milliseconds() + readyMilliseconds
        while flock(lock, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, MonotonicClock.milliseconds() < deadline else {
                close(lock)
                throw PlanBuildError(.serverUnavailable, "another client has been starting the build server for too long (\(directory.startLock))")
            }
            usleep(10_000)
        }
        return lock
    }

    /// The folder's server.log for appending (a log past 16 MiB starts anew).
    static func openLog(_ directory: RuntimeDirectory) throws(PlanBuildError) -> Int32 {
        let folder = try directory.openFolder()
        defer { close(folder) }
        var info = stat()
        let truncate = fstatat(folder, "server.log", &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_size > 16 << 20
        let log = openat(folder, "server.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (truncate ? O_TRUNC : 0), 0o600)
        guard log >= 0 else {
            throw PlanBuildError(.serverUnavailable, "cannot open \(directory.log): \(SystemCall.reason(errno))")
        }
        return log
    }
}
