/// A file-system failure with the path and the system's reason, for messages a person can act on.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable { case notFound, isDirectory, permissionDenied, other }
    public let kind: Kind
    public let path: String
    public let reason: String
    /// The errno value of a failed system call; 0 for a refusal of PlanBuild's own.
    public let code: Int32

    public init(kind: Kind, path: String, reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
        self.code = 0
    }

    package init(errno code: Int32, path: String) {
        switch code {
        case ENOENT, ENOTDIR: kind = .notFound
        case EISDIR: kind = .isDirectory
        case EACCES, EPERM: kind = .permissionDenied
        default: kind = .other
        }
        self.path = path
        self.reason = SystemCall.reason(code)
        self.code = code
    }

    public var description: String { "\(path): \(reason)" }
}

/// Thin, Foundation-free file helpers: the library loads into every Python process that
/// runs a build, so it avoids Foundation's start-up cost.
public enum FileSystem {
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    public static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 && !isDirectory(path) }

    /// Reads a whole (small) regular file; for configuration and cache files, never for logs.
    /// A FIFO, a device or a folder is refused without reading (it is opened `O_NONBLOCK`, so
    /// opening a FIFO never waits for a writer), and so is a file larger than `limit` bytes.
    public static func readFile(_ path: String, limit: Int = 64 << 20) throws(FileError) -> [UInt8] {
        let descriptor = try SystemCall.checked(path) { open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) }
        defer { close(descriptor) }
        return try readRegularFile(descriptor: descriptor, path: path, limit: limit)
    }

    /// The rest of `readFile` for a file already open (DirectoryHandle opens its own).
    static func readRegularFile(descriptor: Int32, path: String, limit: Int) throws(FileError) -> [UInt8] {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileError(errno: errno, path: path) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileError(errno: EISDIR, path: path)
        default: throw FileError(kind: .other, path: path, reason: "not a regular file (a FIFO, socket or device); not read")
        }
        let expected = Int(info.st_size)
        guard expected <= limit else { throw FileError(kind: .other, path: path, reason: "file larger than \(limit) bytes") }
        // Read straight into the array, sized by fstat (+1 to see the end in one call); a file
        // that grows meanwhile, or reports no size (/proc), is read on in chunks.
        var bytes = [UInt8](repeating: 0, count: min(max(expected + 1, 4096), limit + 1))
        var filled = 0
        while true {
            if filled == bytes.count {
                guard bytes.count <= limit else { throw FileError(kind: .other, path: path, reason: "file larger than \(limit) bytes") }
                bytes.append(contentsOf: repeatElement(0, count: min(max(bytes.count, 65536), limit + 1 - bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                SystemCall.retrying { read(descriptor, buffer.baseAddress! + filled, buffer.count - filled) }
            }
            guard count >= 0 else { throw FileError(errno: errno, path: path) }
            if count == 0 { break }
            filled += count
            if filled > limit { throw FileError(kind: .other, path: path, reason: "file larger than \(limit) bytes") }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    public static func readText(_ path: String) throws(FileError) -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }

    /// Creates `path` and its parents (mode 0755); succeeds when it already exists.
    public static func makeDirectories(_ path: String) throws(FileError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw FileError(errno: errno, path: prefix)
            }
            if !isDirectory(prefix) { throw FileError(errno: ENOTDIR, path: prefix) }
            prefix += "/"
        }
    }

    /// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so readers
    /// see the old or the new content, never a partial file. No fsync: these are caches of
    /// learned values, and a sync per build would cost more than the file is worth. `mode` is the
    /// new file's permissions (before the umask).
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o644) throws(FileError) {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = try SystemCall.checked(temporary) { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
        do {
            try SystemCall.writeAll(descriptor, bytes, path: temporary)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        if close(descriptor) != 0 {
            let failure = FileError(errno: errno, path: temporary)
            unlink(temporary)
            throw failure
        }
        if rename(temporary, path) != 0 {
            let failure = FileError(errno: errno, path: path)
            unlink(temporary)
            throw failure
        }
    }

    /// What the symbolic link `path` points to, as written in the link; nil when `path` is not a link.
    public static func symbolicLinkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The folder part of `path` (`.` for a bare name, `/` for a file at the root).
    public static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The last component of `path`.
    public static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The absolute, symlink-free form of `path`, or nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(nulTerminated: buffer)
    }

    /// `base` joined with `relative` unless `relative` is already absolute.
    public static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || base.isEmpty { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    /// An absolute form of `path` without resolving links (which might not exist yet).
    public static func absolute(_ path: String) -> String {
        let joined = join(currentDirectory(), path)
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Entry names of a directory (without `.` and `..`); empty when it cannot be read.
    public static func listDirectory(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        return entryNames(closing: directory)
    }

    /// The names an open directory stream lists (without `.` and `..`); the stream is closed.
    static func entryNames(closing stream: OpaquePointer) -> [String] {
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The first executable `name` in a folder of PATH, like the shell's lookup.
    public static func onPath(_ name: String) -> String? {
        for folder in (environment("PATH") ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = join(String(folder), name)
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
