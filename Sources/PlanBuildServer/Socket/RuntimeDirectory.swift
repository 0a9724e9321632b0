import PlanBuildSupport

/// The folder of the user's build server: its socket, locks, journal, log and pid file.
/// `$XDG_RUNTIME_DIR/planbuild/` (a per-user tmpfs emptied at logout, the place the XDG spec
/// gives sockets), else `~/.planbuild/run/`.
///
/// It must be a folder (not a link) owned by this user and writable by nobody else: another user
/// who could write there could replace the socket and receive every build request, with its
/// environment. The server creates it 0700 and tightens its own folder's mode; both sides refuse
/// a folder that is a link, is another user's, or is writable by group or others.
public struct RuntimeDirectory: Sendable, Equatable {
    public let path: String

    public init(path: String) { self.path = path }

    public var socket: String { path + "/server.sock" }
    public var journal: String { path + "/journal.jsonl" }
    public var log: String { path + "/server.log" }
    public var pidFile: String { path + "/server.pid" }
    /// Held by the running server for its whole life: one server per folder.
    var serverLock: String { path + "/server.lock" }
    /// Held by a client while it starts a server, so two clients never start two.
    var startLock: String { path + "/start.lock" }

    /// The folder for this process's user; `lookup` reads an environment variable.
    public static func resolve(_ lookup: (String) -> String? = FileSystem.environment) -> RuntimeDirectory {
        // The spec says to ignore a relative XDG_RUNTIME_DIR.
        if let runtime = lookup("XDG_RUNTIME_DIR"), runtime.hasPrefix("/") {
            return RuntimeDirectory(path: FileSystem.join(runtime, "planbuild"))
        }
        return RuntimeDirectory(path: FileSystem.join(homeDirectory(lookup), ".planbuild/run"))
    }

    static func homeDirectory(_ lookup: (String) -> String?) -> String {
        if let home = lookup("HOME"), home.hasPrefix("/") { return home }
        if let entry = getpwuid(geteuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }

    /// The server's side: creates the folder (and `~/.planbuild` for the fallback) 0700 when
    /// missing, then checks it; its own folder's extra permission bits are removed.
    public func prepare() throws(PlanBuildError) {
        let parent = FileSystem.directoryName(path)
        if FileSystem.baseName(parent) == ".planbuild" && !FileSystem.exists(parent) {
            _ = mkdir(parent, 0o700)
        }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw PlanBuildError(.serverUnavailable, "cannot create the build server's folder \(path): \(SystemCall.reason(errno))")
        }
        let info = try checked()
        if info.st_mode & 0o077 != 0 && chmod(path, 0o700) != 0 {
            throw PlanBuildError(.serverUnavailable, "cannot make the build server's folder \(path) private: \(SystemCall.reason(errno))")
        }
    }

    /// The client's side: false when the folder does not exist (no server was ever started
    /// here); throws when it exists but cannot be trusted.
    public func verify() throws(PlanBuildError) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        _ = try checked()
        return true
    }

    /// The folder's status when it is one this user may trust.
    private func checked() throws(PlanBuildError) -> stat {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw PlanBuildError(.serverUnavailable, "the build server's folder \(path) cannot be read: \(SystemCall.reason(errno))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw PlanBuildError(.serverUnavailable, "refusing the build server's folder \(path): it is not a folder (a link or a file)")
        }
        guard info.st_uid == geteuid() else {
            throw PlanBuildError(.serverUnavailable, "refusing the build server's folder \(path): it belongs to user \(info.st_uid), not to this user (\(geteuid()))")
        }
        guard info.st_mode & 0o022 == 0 else {
            throw PlanBuildError(.serverUnavailable,
                                 "refusing the build server's folder \(path): it is writable by others (mode \(String(info.st_mode & 0o777, radix: 8))); remove it or run chmod 700 on it")
        }
        return info
    }

    /// Opens the folder itself (not a link) for use as `/proc/self/fd/N`: socket paths through it
    /// stay short (sockaddr_un holds 108 bytes) and name the folder that was checked.
    func openFolder() throws(PlanBuildError) -> Int32 {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PlanBuildError(.serverUnavailable, "cannot open the build server's folder \(path): \(SystemCall.reason(errno))")
        }
        return descriptor
    }
}
