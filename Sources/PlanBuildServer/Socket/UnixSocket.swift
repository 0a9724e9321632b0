import CPlanBuildServerSupport
import PlanBuildSupport

/// Unix stream sockets: the server's listener, a client's connection, who is on the other end.
enum UnixSocket {
    /// Listens at the folder's `server.sock`, replacing a socket left by a server that died (the
    /// caller holds the server lock, so no live server owns it). The socket is created 0600.
    static func listen(in directory: RuntimeDirectory) throws(PlanBuildError) -> Int32 {
        let folder = try directory.openFolder()
        defer { close(folder) }
        var info = stat()
        if fstatat(folder, "server.sock", &info, AT_SYMLINK_NOFOLLOW) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw PlanBuildError(.serverUnavailable, "\(directory.socket) exists and is not a socket; remove it")
            }
            unlinkat(folder, "server.sock", 0)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw failure("cannot create a socket") }
        // No moment where the socket exists with looser permissions than 0600.
        let previous = umask(0o177)
        let bound = withAddress("/proc/self/fd/\(folder)/server.sock") { address, length in bind(descriptor, address, length) }
        umask(previous)
        guard bound == 0 else {
            let error = failure("cannot bind \(directory.socket)")
            close(descriptor)
            throw error
        }
        _ = fchmodat(folder, "server.sock", 0o600, 0)
        guard Glibc.listen(descriptor, 512) == 0 else {
            let error = failure("cannot listen on \(directory.socket)")
            close(descriptor)
            throw error
        }
        return descriptor
    }

    enum Connected {
        case connected(Int32)
        /// Nothing listens there (no socket, or a socket left by a server that died).
        case absent
    }

    /// Connects to the folder's server (blocking), checking that the socket and the process
    /// behind it belong to this user.
    static func connect(in directory: RuntimeDirectory) throws(PlanBuildError) -> Connected {
        guard try directory.verify() else { return .absent }
        let folder = try directory.openFolder()
        defer { close(folder) }
        var info = stat()
        guard fstatat(folder, "server.sock", &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .absent }
        guard info.st_mode & S_IFMT == S_IFSOCK, info.st_uid == geteuid() else {
            throw PlanBuildError(.serverUnavailable, "refusing \(directory.socket): not a socket of this user")
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("cannot create a socket") }
        let result = withAddress("/proc/self/fd/\(folder)/server.sock") { address, length in
            SystemCall.retrying { Glibc.connect(descriptor, address, length) }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            if code == ECONNREFUSED || code == ENOENT { return .absent }
            throw PlanBuildError(.serverUnavailable, "cannot connect to \(directory.socket): \(SystemCall.reason(code))")
        }
        guard let peer = peer(descriptor), peer.uid == geteuid() else {
            close(descriptor)
            throw PlanBuildError(.serverUnavailable, "refusing the server at \(directory.socket): it runs as another user")
        }
        return .connected(descriptor)
    }

    /// The kernel's record of the peer's user and process.
    static func peer(_ descriptor: Int32) -> (uid: uid_t, pid: pid_t)? {
        var uid: uid_t = 0
        var pid: pid_t = 0
        return pbsv_peer_credentials(descriptor, &uid, &pid) == 0 ? (uid, pid) : nil
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    private static func failure(_ what: String) -> PlanBuildError {
        PlanBuildError(.serverUnavailable, "\(what): \(SystemCall.reason(errno))")
    }
}
