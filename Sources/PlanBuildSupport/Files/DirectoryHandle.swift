/// A folder held open by its descriptor. Everything below it is named one component at a time
/// relative to that descriptor (`openat`, `renameat`, `unlinkat`), so a path read from a file or a
/// server can never leave the folder: no `..`, no absolute path, and no symbolic link is followed
/// on the way down or where a file is written or removed. A link met there is refused (`ELOOP`),
/// never resolved.
///
/// Why descriptors and not checked path strings: a check of a path string and the later `open` of
/// the same string are two lookups, and a link swapped in between (by a hostile checkout, another
/// process) would be followed by the second. A descriptor pins the folder that was checked.
///
/// The handle owns its descriptor and closes it when released. Not for concurrent mutation of the
/// same names by several threads; distinct handles are independent.
public final class DirectoryHandle: @unchecked Sendable {
    public let descriptor: Int32
    /// The path the folder was opened as, for messages only (never for file operations).
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens the folder `path` itself. Its own path is the caller's choice (a project folder the
    /// user named), so links on the way to it are followed; only what lies below it is guarded.
    public static func open(_ path: String) throws(FileError) -> DirectoryHandle {
        let descriptor = openFolder(path.isEmpty ? "." : path)
        guard descriptor >= 0 else { throw FileError(errno: errno, path: path) }
        return DirectoryHandle(descriptor: descriptor, path: path)
    }

    /// The components of a relative path that stays below a folder, or nil for an absolute path,
    /// an empty one, a `.`/`..` component or a NUL byte.
    public static func components(_ relative: String) -> [String]? {
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.utf8.contains(0) else { return nil }
        var parts: [String] = []
        for part in relative.split(separator: "/", omittingEmptySubsequences: true) {
            guard part != ".", part != ".." else { return nil }
            parts.append(String(part))
        }
        return parts.isEmpty ? nil : parts
    }

    private func subject(_ name: String) -> String { FileSystem.join(path, name) }

    /// The folder `relative` below this one, each component opened with `O_NOFOLLOW`; with
    /// `create`, missing folders are made (mode 0755). A link or a non-folder on the way throws.
    public func folder(_ relative: String, create: Bool = false) throws(FileError) -> DirectoryHandle {
        guard let parts = Self.components(relative) else {
            throw FileError(kind: .other, path: subject(relative), reason: "not a relative path below \(path)")
        }
        var current = self
        var walked = path
        for part in parts {
            walked = FileSystem.join(walked, part)
            var child = SystemCall.retrying { openat(current.descriptor, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            if child < 0, errno == ENOENT, create {
                if mkdirat(current.descriptor, part, 0o755) != 0, errno != EEXIST { throw FileError(errno: errno, path: walked) }
                child = SystemCall.retrying { openat(current.descriptor, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            }
            guard child >= 0 else { throw Self.refusal(errno: errno, path: walked) }
            current = DirectoryHandle(descriptor: child, path: walked)
        }
        return current
    }

    /// What `name` (one component) is, without following a link; nil when it does not exist.
    public func status(_ name: String) -> stat? {
        var info = stat()
        return fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? info : nil
    }

    /// Why the entry `name` (one component) is not taken as a regular file of at most `limit`
    /// bytes, judged without opening it: a symbolic link, a FIFO, a socket or a device, or a file
    /// too large. nil when it is such a file, when it is absent, and for a folder (which no file
    /// replaces: writing a file there fails on its own).
    public func refusal(of name: String, limit: Int) -> String? {
        guard let info = status(name) else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return Int(info.st_size) > limit ? "file larger than \(limit) bytes; not read" : nil
        case S_IFDIR: return nil
        case S_IFLNK: return "is a symbolic link; not followed"
        default: return "not a regular file (a FIFO, socket or device); not read"
        }
    }

    /// Opens the regular file `name` (one component) with `flags` (with `O_CREAT`, a missing file
    /// is made with `mode`): never through a link, and a FIFO or a device is refused after `fstat`
    /// without waiting (opened `O_NONBLOCK`, which has no effect on a regular file). The caller
    /// closes the descriptor.
    public func openFile(_ name: String, flags: Int32, mode: UInt32 = 0o644) throws(FileError) -> Int32 {
        let file = SystemCall.retrying { openat(descriptor, name, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode) }
        guard file >= 0 else { throw Self.refusal(errno: errno, path: subject(name)) }
        var info = stat()
        guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(file)
            throw FileError(kind: .other, path: subject(name), reason: "not a regular file (a FIFO, socket or device); not opened")
        }
        return file
    }

    /// Reads the regular file `name` (one component) whole: not through a link, never blocking on
    /// a FIFO or a device (opened `O_NONBLOCK`, its type checked with `fstat` before reading), and
    /// refused when larger than `limit` bytes.
    public func readFile(_ name: String, limit: Int = 64 << 20) throws(FileError) -> [UInt8] {
        let file = SystemCall.retrying { openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) }
        guard file >= 0 else { throw Self.refusal(errno: errno, path: subject(name)) }
        defer { close(file) }
        return try FileSystem.readRegularFile(descriptor: file, path: subject(name), limit: limit)
    }

    /// Writes `bytes` as `name` (one component) through a new temporary file in this folder,
    /// renamed over `name`: readers see the old or the new file, and a link at `name` is replaced
    /// by the file, never followed. Mode 0644.
    public func writeAtomically(_ bytes: [UInt8], as name: String) throws(FileError) {
        let temporary = try createTemporary(for: name)
        do {
            try SystemCall.writeAll(temporary.descriptor, bytes, path: subject(temporary.name))
        } catch {
            close(temporary.descriptor)
            unlinkat(descriptor, temporary.name, 0)
            throw error
        }
        guard close(temporary.descriptor) == 0 else {
            let failure = FileError(errno: errno, path: subject(temporary.name))
            unlinkat(descriptor, temporary.name, 0)
            throw failure
        }
        try rename(temporary.name, to: name)
    }

    /// A new file `NAME.tmp-PID-RAND` in this folder, created exclusively (never an existing file
    /// or link) with `mode` (less the umask), open for writing. The caller closes the descriptor
    /// and renames or removes it. `hidden` starts the name with a dot, so that a glob such as
    /// `build/libs/*` never takes a temporary left by a killed process for a real file.
    public func createTemporary(for name: String, hidden: Bool = false, mode: UInt32 = 0o644) throws(FileError) -> (descriptor: Int32, name: String) {
        for _ in 0..<8 {
            let temporary = "\(hidden ? "." : "")\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let file = SystemCall.retrying {
                openat(descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            }
            if file >= 0 { return (file, temporary) }
            if errno != EEXIST { throw FileError(errno: errno, path: subject(temporary)) }
        }
        throw FileError(errno: EEXIST, path: subject(name))
    }

    /// Renames `name` to `newName` inside this folder (`renameat`: a link at `newName` is replaced,
    /// not followed).
    public func rename(_ name: String, to newName: String) throws(FileError) {
        guard renameat(descriptor, name, descriptor, newName) == 0 else {
            let failure = FileError(errno: errno, path: subject(newName))
            unlinkat(descriptor, name, 0)
            throw failure
        }
    }

    /// Moves `name` of this folder to `newName` of `target` (same file system).
    public func move(_ name: String, to target: DirectoryHandle, as newName: String) throws(FileError) {
        guard renameat(descriptor, name, target.descriptor, newName) == 0 else {
            throw FileError(errno: errno, path: target.subject(newName))
        }
    }

    /// Removes the entry `name` (one component): a file or a link is unlinked (the link itself,
    /// never its target); a folder is emptied the same way, depth first, and removed. Entries that
    /// vanish meanwhile are no error.
    /// What the symbolic link `name` in this folder points to, as written in the link.
    public func linkTarget(_ name: String) throws(FileError) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
        let count = buffer.withUnsafeMutableBytes { readlinkat(descriptor, name, $0.baseAddress!, $0.count) }
        guard count >= 0 else { throw FileError(errno: errno, path: FileSystem.join(path, name)) }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    public func remove(_ name: String) throws(FileError) {
        if unlinkat(descriptor, name, 0) == 0 || errno == ENOENT { return }
        guard errno == EISDIR || errno == EPERM else { throw FileError(errno: errno, path: subject(name)) }
        let child: DirectoryHandle
        do {
            child = try folder(name)
        } catch {
            if error.kind == .notFound { return }
            throw error
        }
        for entry in child.entries() { try child.remove(entry) }
        guard unlinkat(descriptor, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
            throw FileError(errno: errno, path: subject(name))
        }
    }

    /// The names in this folder (without `.` and `..`), unsorted; empty when it cannot be read.
    public func entries() -> [String] {
        let copy = SystemCall.retrying { openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return []
        }
        return FileSystem.entryNames(closing: stream)
    }

    /// `ELOOP` (a link where `O_NOFOLLOW` refused it) and `ENOTDIR` (a file or a link where a
    /// folder was expected) get a reason that says so.
    static func refusal(errno code: Int32, path: String) -> FileError {
        switch code {
        case ELOOP: return FileError(kind: .other, path: path, reason: "is a symbolic link; not followed")
        case ENOTDIR: return FileError(kind: .other, path: path, reason: "is not a folder (or is a symbolic link); not followed")
        default: return FileError(errno: code, path: path)
        }
    }
}

/// `open(2)` of a folder by path, outside the type whose static `open` would shadow the C function.
private func openFolder(_ path: String) -> Int32 {
    SystemCall.retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
}
