import CPlanBuildSupport

/// A JSON object file that several processes read and update (run-configuration.json, the build
/// cache's stats.json): every update is one locked read-modify-write.
///
/// Two kinds, by where the file may be reached from:
/// - `init(path:)` (run-configuration.json, which users may keep elsewhere and link to): through a
///   symbolic link to its target. The lock is an exclusive `flock` on the file itself (the link's
///   target), so every path that leads to the same file shares one lock; while the file does not
///   exist yet, on its folder. A symlink stays a symlink.
/// - `init(name:in:)` (files of a folder PlanBuild owns, which a checkout may have filled with
///   links, FIFOs or devices): never through a link. The file is named in its folder, held by
///   descriptor; the lock is on that folder. An entry that is not a regular file, or is larger
///   than PlanBuild reads, is refused (never followed or read), reported by `replace`, and replaced
///   by the new file: the rename removes the link itself, its target is never touched.
///
/// Both:
/// - Write: a temporary file beside the target, renamed over it, so readers see the old or the
///   new document, never a partial one.
/// - A document larger than `readLimit`, which PlanBuild would not read back, is never written:
///   the change is refused and the file stays as it was.
/// - The file keeps its mode and owner; a file without write permission is refused, unchanged.
/// - Temporary files of writers that died mid-write (`NAME.tmp-PID-RAND`, PID gone) are removed.
/// - Every number, string and key the update did not change is written back as it was written.
public struct LockedJSONFile: Sendable {
    /// The most PlanBuild reads of such a file, and so the most it writes.
    public static let readLimit = 64 << 20

    public let path: String
    /// The error code of every failure (the run configuration's is `configuration_invalid`).
    public let errorCode: PlanBuildError.Code
    /// The folder and the name in it, for a file never reached through a link.
    private let entry: Entry?

    private struct Entry: Sendable {
        let folder: DirectoryHandle
        let name: String
    }

    /// The file at `path`, or the file its chain of symbolic links ends in.
    public init(path: String, errorCode: PlanBuildError.Code = .configurationInvalid) {
        self.path = path
        self.errorCode = errorCode
        self.entry = nil
    }

    /// The entry `name` (one component) of `folder`, never followed when it is a link.
    public init(name: String, in folder: DirectoryHandle, errorCode: PlanBuildError.Code) {
        self.path = FileSystem.join(folder.path, name)
        self.errorCode = errorCode
        self.entry = Entry(folder: folder, name: name)
    }

    /// The document without taking the lock (a rename never shows a partial file); nil when the
    /// file does not exist.
    public func read() throws(PlanBuildError) -> JSONObject? {
        let contents: Contents
        if let entry {
            contents = try self.contents(of: Target(folder: entry.folder, name: entry.name))
        } else {
            do {
                contents = .bytes(try FileSystem.readFile(path, limit: Self.readLimit))
            } catch {
                if error.kind == .notFound { return nil }
                throw failure("cannot read \(path): \(error.reason)")
            }
        }
        switch contents {
        case .absent: return nil
        case .refused(let reason): throw failure(reason)
        case .bytes(let bytes): return try parse(bytes, keepingSource: false).value
        }
    }

    /// Runs `change` on the document (empty when the file does not exist) under the lock and
    /// writes the result when `change` returns true; when it throws, the file stays as it was.
    /// Returns what was refused and replaced (a link, a FIFO, …), to be reported; nil otherwise.
    @discardableResult
    public func modify(_ change: (inout JSONObject) throws(PlanBuildError) -> Bool) throws(PlanBuildError) -> String? {
        try withLock { target throws(PlanBuildError) -> String? in
            var document = JSONObject()
            var source = JSONSource.none
            let contents = try self.contents(of: target)
            if case .bytes(let bytes) = contents {
                (document, source) = try parse(bytes, keepingSource: true)
            }
            guard try change(&document) else { return nil }
            try write(JSONWriter.write(.object(document), indent: 2, keeping: source) + "\n", to: target)
            return contents.replaced
        }
    }

    /// Under the lock: `change` sees the file's bytes (nil when it does not exist or was refused,
    /// whatever they hold otherwise) and returns the document to write, or nil to leave the file
    /// alone. Returns what was refused and replaced (a link, a FIFO, …), to be reported; nil otherwise.
    @discardableResult
    public func replace(_ change: ([UInt8]?) throws(PlanBuildError) -> JSONObject?) throws(PlanBuildError) -> String? {
        try withLock { target throws(PlanBuildError) -> String? in
            let contents = try self.contents(of: target)
            var bytes: [UInt8]?
            if case .bytes(let read) = contents { bytes = read }
            guard let document = try change(bytes) else { return nil }
            try write(JSONWriter.write(.object(document), indent: 2) + "\n", to: target)
            return contents.replaced
        }
    }

    // MARK: Reading

    private func failure(_ message: String) -> PlanBuildError { PlanBuildError(errorCode, message) }

    /// The file to change: its name in its folder (for a file reached through links, the folder
    /// and name of the link chain's end).
    private struct Target {
        let folder: DirectoryHandle
        let name: String
    }

    private enum Contents {
        case absent
        case bytes([UInt8])
        /// Not read: a link, FIFO, socket or device where a file never reached through a link is
        /// expected, or a file larger than `readLimit`.
        case refused(String)

        /// What to report once the file was written in its place.
        var replaced: String? {
            if case .refused(let reason) = self { return "\(reason); replaced by a new file" }
            return nil
        }
    }

    private func contents(of target: Target) throws(PlanBuildError) -> Contents {
        if entry != nil, let reason = target.folder.refusal(of: target.name, limit: Self.readLimit) {
            return .refused("\(path): \(reason)")
        }
        do {
            return .bytes(try target.folder.readFile(target.name, limit: Self.readLimit))
        } catch {
            if error.kind == .notFound { return .absent }
            throw failure("cannot read \(path): \(error.reason)")
        }
    }

    /// The document; with `keepingSource` also the text of its parts, which only a rewrite needs.
    private func parse(_ bytes: [UInt8], keepingSource: Bool) throws(PlanBuildError) -> (value: JSONObject, source: JSONSource) {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw failure("\(path) is empty: fix or delete it (PlanBuild does not overwrite it)")
        }
        let parsed: (value: JSONValue, source: JSONSource)
        do {
            parsed = keepingSource ? try JSONParser.parseKeepingSource(bytes: bytes) : (try JSONParser.parse(bytes: bytes), .none)
        } catch {
            throw failure("\(path) is not valid JSON (\(error)): fix or delete it (PlanBuild does not overwrite it)")
        }
        guard let object = parsed.value.objectValue else {
            throw failure("\(path) must hold a JSON object: fix or delete it (PlanBuild does not overwrite it)")
        }
        return (object, parsed.source)
    }

    // MARK: Locking

    /// Runs `body` with the file to change while holding the lock.
    private func withLock<Result>(_ body: (Target) throws(PlanBuildError) -> Result) throws(PlanBuildError) -> Result {
        guard let entry else { return try withLockOnTarget(body) }
        // A descriptor of its own: a flock belongs to an open file description, and threads
        // sharing the folder's descriptor would not exclude each other.
        let descriptor = SystemCall.retrying { openat(entry.folder.descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw failure("cannot open \(entry.folder.path) to lock it: \(SystemCall.reason(errno))") }
        defer { close(descriptor) }
        let rc = pbs_lock_exclusive(descriptor)
        guard rc == 0 else { throw failure("cannot lock \(entry.folder.path): \(SystemCall.reason(rc))") }
        defer { _ = pbs_unlock(descriptor) }
        return try body(Target(folder: entry.folder, name: entry.name))
    }

    /// The lock on the link chain's end (or, while it does not exist, on its folder). A writer
    /// that waited on a file another writer has since replaced, or on a folder in which the file
    /// has since appeared, locks again.
    private func withLockOnTarget<Result>(_ body: (Target) throws(PlanBuildError) -> Result) throws(PlanBuildError) -> Result {
        let target = try resolvedTarget()
        let folderPath = FileSystem.directoryName(target)
        let folder: DirectoryHandle
        do {
            try FileSystem.makeDirectories(folderPath)
            folder = try DirectoryHandle.open(folderPath)
        } catch {
            throw failure("cannot create \(error.path): \(error.reason)")
        }
        while true {
            let fileExists = FileSystem.exists(target)
            let lockPath = fileExists ? target : folderPath
            // Non-blocking: opening a FIFO put in the file's place must not wait for a writer.
            let descriptor = SystemCall.retrying { open(lockPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (fileExists ? 0 : O_DIRECTORY)) }
            if descriptor < 0 {
                if errno == ENOENT && fileExists { continue }  // replaced between the check and open
                throw failure("cannot open \(lockPath) to lock it: \(SystemCall.reason(errno))")
            }
            defer { close(descriptor) }
            let rc = pbs_lock_exclusive(descriptor)
            guard rc == 0 else { throw failure("cannot lock \(lockPath): \(SystemCall.reason(rc))") }
            defer { _ = pbs_unlock(descriptor) }
            if fileExists ? !Self.isSameFile(descriptor, target) : FileSystem.exists(target) { continue }
            return try body(Target(folder: folder, name: FileSystem.baseName(target)))
        }
    }

    private static func isSameFile(_ descriptor: Int32, _ path: String) -> Bool {
        var held = stat(), current = stat()
        guard fstat(descriptor, &held) == 0, stat(path, &current) == 0 else { return false }
        return held.st_dev == current.st_dev && held.st_ino == current.st_ino
    }

    /// The file a write has to change: `path`, or the file its chain of symbolic links ends in
    /// (which need not exist yet).
    private func resolvedTarget() throws(PlanBuildError) -> String {
        var current = path
        for _ in 0..<40 {
            guard let link = FileSystem.symbolicLinkTarget(current) else { return current }
            current = link.hasPrefix("/") ? link : FileSystem.join(FileSystem.directoryName(current), link)
        }
        throw failure("cannot write \(path): too many levels of symbolic links")
    }

    // MARK: Writing

    /// Replaces the target by a file holding `text`, with the old file's mode and owner.
    private func write(_ text: String, to target: Target) throws(PlanBuildError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Self.readLimit else {
            throw PlanBuildError(.invalidValue, "refused: the change would make \(path) \(bytes.count) bytes, more than the \(Self.readLimit >> 20) MiB PlanBuild reads; nothing was changed")
        }
        let folder = target.folder
        // Only a regular file has a mode and owner to keep; anything else in its place is replaced.
        var existing = folder.status(target.name)
        if let info = existing, info.st_mode & S_IFMT != S_IFREG { existing = nil }
        if let existing {
            // Write permission, judged by the mode too: root may write a 0444 file, but its owner
            // made it read-only on purpose.
            if existing.st_mode & 0o222 == 0 || faccessat(folder.descriptor, target.name, W_OK, 0) != 0 {
                throw failure("\(path) is read-only (mode \(String(existing.st_mode & 0o7777, radix: 8))): PlanBuild leaves it unchanged; make it writable to let PlanBuild update it")
            }
        }
        removeStaleTemporaries(of: target.name, in: folder)
        let temporary: (descriptor: Int32, name: String)
        do {
            temporary = try folder.createTemporary(for: target.name, mode: existing == nil ? 0o644 : 0o600)
        } catch {
            throw failure("cannot write \(path): cannot create \(error.path): \(error.reason)")
        }
        var written = false
        defer { if !written { unlinkat(folder.descriptor, temporary.name, 0) } }
        do {
            defer { close(temporary.descriptor) }
            if let existing {
                if fchmod(temporary.descriptor, existing.st_mode & 0o7777) != 0 {
                    throw failure("cannot keep the mode of \(path): \(SystemCall.reason(errno))")
                }
                if (existing.st_uid != geteuid() || existing.st_gid != getegid()),
                   fchown(temporary.descriptor, existing.st_uid, existing.st_gid) != 0 {
                    throw failure("cannot keep the owner of \(path) (uid \(existing.st_uid), gid \(existing.st_gid)): \(SystemCall.reason(errno)); PlanBuild leaves it unchanged")
                }
            }
            do {
                try SystemCall.writeAll(temporary.descriptor, bytes, path: FileSystem.join(folder.path, temporary.name))
            } catch {
                throw failure("cannot write \(error.path): \(error.reason)")
            }
        }
        do {
            try folder.rename(temporary.name, to: target.name)
        } catch {
            throw failure("cannot write \(path): \(error.reason)")
        }
        written = true
    }

    /// Removes `NAME.tmp-PID-RAND` files whose writer process is gone. Called under the lock:
    /// live writers of this file wait for it, so only a dead one can have left such a file.
    private func removeStaleTemporaries(of name: String, in folder: DirectoryHandle) {
        let prefix = "\(name).tmp-"
        for entry in folder.entries() where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count).split(separator: "-", maxSplits: 1)
            guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, UInt32(rest[1]) != nil else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlinkat(folder.descriptor, entry, 0)
            }
        }
    }
}
