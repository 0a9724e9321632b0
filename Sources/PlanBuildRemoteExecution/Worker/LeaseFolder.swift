import PlanBuildSupport

/// A lease's own folder below the work folder, made new for it (never one that existed):
/// `root/` the input root the command runs in, `log` its stdout and stderr. Removed when the
/// lease is done, without following any link the command left in it.
final class LeaseFolder {
    let work: DirectoryHandle
    let name: String
    let root: DirectoryHandle
    let rootPath: String
    /// The log, open for writing (the command's stdout and stderr) and reading (its digest, its upload).
    let log: Int32
    let logPath: String

    private init(work: DirectoryHandle, name: String, root: DirectoryHandle, log: Int32) {
        self.work = work
        self.name = name
        self.root = root
        self.rootPath = root.path
        self.log = log
        self.logPath = FileSystem.join(FileSystem.join(work.path, name), "log")
    }

    deinit { close(log) }

    /// A folder `lease-ID-RANDOM` (the id reduced to a safe name), its `root` and its `log`.
    static func create(in work: DirectoryHandle, lease id: String) throws(LeaseFailure) -> LeaseFolder {
        let safe = String(id.unicodeScalars.prefix(40).map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_": return Character(scalar)
            default: return "_"
            }
        })
        for _ in 0..<8 {
            let name = "lease-\(safe)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
            guard mkdirat(work.descriptor, name, 0o700) == 0 else {
                if errno == EEXIST { continue }
                throw .local("cannot make a folder in the work folder \(work.path): \(SystemCall.reason(errno))")
            }
            do {
                let folder = try work.folder(name)
                guard mkdirat(folder.descriptor, "root", 0o755) == 0 else { throw FileError(errno: errno, path: FileSystem.join(folder.path, "root")) }
                let root = try folder.folder("root")
                let log = try folder.openFile("log", flags: O_RDWR | O_CREAT | O_EXCL | O_APPEND, mode: 0o600)
                return LeaseFolder(work: work, name: name, root: root, log: log)
            } catch {
                try? work.remove(name)
                throw .local("cannot prepare the lease's folder in \(work.path): \(error)")
            }
        }
        throw .local("cannot make a new folder in the work folder \(work.path)")
    }

    /// Lines `planbuild worker: …` at the end of the log, so that the log explains itself.
    func note(_ lines: [String]) {
        for line in lines {
            try? SystemCall.writeAll(log, Array("planbuild worker: \(OneLine.escape(line))\n".utf8), path: logPath)
        }
    }

    /// Removes the folder and everything in it; a command may have left a folder without write
    /// permission, which is made writable first.
    func remove() {
        do {
            try work.remove(name)
        } catch {
            Self.makeWritable(name, in: work)
            try? work.remove(name)
        }
    }

    private static func makeWritable(_ name: String, in folder: DirectoryHandle) {
        guard let info = folder.status(name), info.st_mode & S_IFMT == S_IFDIR else { return }
        _ = fchmodat(folder.descriptor, name, 0o700, AT_SYMLINK_NOFOLLOW)
        guard let child = try? folder.folder(name) else { return }
        for entry in child.entries() { makeWritable(entry, in: child) }
    }
}
