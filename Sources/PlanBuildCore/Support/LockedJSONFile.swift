import CPlanBuildSupport

/// A JSON object file that several processes read and update (run-configuration.json, and
/// the build cache's files later): every update is one locked read-modify-write.
///
/// - Lock: an exclusive `flock` on the file itself (the symlink's target), so every path that
///   leads to the same file shares one lock; while the file does not exist yet, on its folder.
/// - Write: a temporary file in the target's folder, renamed over the target, so readers see
///   the old or the new document, never a partial one, and a symlink stays a symlink.
/// - The file keeps its mode and owner; a file without write permission is refused, unchanged.
/// - Temporary files of writers that died mid-write (`NAME.tmp-PID-RAND`, PID gone) are removed.
/// - Every number, string and key the update did not change is written back as it was written.
public struct LockedJSONFile: Sendable {
    public let path: String
    /// The error code of every failure (the run configuration's is `configuration_invalid`).
    public let errorCode: PlanBuildError.Code

    public init(path: String, errorCode: PlanBuildError.Code = .configurationInvalid) {
        self.path = path
        self.errorCode = errorCode
    }

    /// The document without taking the lock (a rename never shows a partial file); nil when the
    /// file does not exist.
    public func read() throws(PlanBuildError) -> JSONObject? {
        guard let bytes = try readBytes(path) else { return nil }
        return try parse(bytes, keepingSource: false).value
    }

    /// Runs `change` on the document (empty when the file does not exist) under the lock and
    /// writes the result when `change` returns true; when it throws, the file stays as it was.
    public func modify(_ change: (inout JSONObject) throws(PlanBuildError) -> Bool) throws(PlanBuildError) {
        try withLock { target throws(PlanBuildError) in
            var document = JSONObject()
            var source = JSONSource.none
            if let bytes = try readBytes(target) {
                (document, source) = try parse(bytes, keepingSource: true)
            }
            guard try change(&document) else { return }
            try replace(target, with: JSONWriter.write(.object(document), indent: 2, keeping: source) + "\n")
        }
    }

    /// Under the lock: `change` sees the file's bytes (nil when it does not exist, whatever they
    /// hold otherwise) and returns the document to write, or nil to leave the file alone.
    public func replace(_ change: ([UInt8]?) throws(PlanBuildError) -> JSONObject?) throws(PlanBuildError) {
        try withLock { target throws(PlanBuildError) in
            guard let document = try change(try readBytes(target)) else { return }
            try replace(target, with: JSONWriter.write(.object(document), indent: 2) + "\n")
        }
    }

    // MARK: Reading

    private func failure(_ message: String) -> PlanBuildError { PlanBuildError(errorCode, message) }

    private func readBytes(_ file: String) throws(PlanBuildError) -> [UInt8]? {
        do {
            return try FileSystem.readFile(file)
        } catch {
            if error.kind == .notFound { return nil }
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

    /// Runs `body` with the target path while holding the lock on the target (or, while it does
    /// not exist, on its folder). A writer that waited on a file another writer has since
    /// replaced, or on a folder in which the file has since appeared, locks again.
    private func withLock(_ body: (String) throws(PlanBuildError) -> Void) throws(PlanBuildError) {
        let target = try resolvedTarget()
        let folder = FileSystem.directoryName(target)
        do {
            try FileSystem.makeDirectories(folder)
        } catch {
            throw failure("cannot create \(error.path): \(error.reason)")
        }
        while true {
            let fileExists = FileSystem.exists(target)
            let lockPath = fileExists ? target : folder
            let descriptor = open(lockPath, O_RDONLY | O_CLOEXEC | (fileExists ? 0 : O_DIRECTORY))
            if descriptor < 0 {
                if errno == ENOENT && fileExists { continue }  // replaced between the check and open
                throw failure("cannot open \(lockPath) to lock it: \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            let rc = pbs_lock_exclusive(descriptor)
            guard rc == 0 else { throw failure("cannot lock \(lockPath): \(String(cString: strerror(rc)))") }
            defer { _ = pbs_unlock(descriptor) }
            if fileExists ? !Self.isSameFile(descriptor, target) : FileSystem.exists(target) { continue }
            try body(target)
            return
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

    /// Replaces `target` by a file holding `text`, with the old file's mode and owner.
    private func replace(_ target: String, with text: String) throws(PlanBuildError) {
        var existing = stat()
        let exists = stat(target, &existing) == 0
        if exists {
            // Write permission, judged by the mode too: root may write a 0444 file, but its owner
            // made it read-only on purpose.
            if existing.st_mode & 0o222 == 0 || access(target, W_OK) != 0 {
                throw failure("\(path) is read-only (mode \(String(existing.st_mode & 0o7777, radix: 8))): PlanBuild leaves it unchanged; make it writable to let PlanBuild update it")
            }
        }
        let folder = FileSystem.directoryName(target)
        let name = FileSystem.baseName(target)
        removeStaleTemporaries(of: name, in: folder)
        let temporary = FileSystem.join(folder, "\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? 0o600 : 0o644)
        guard descriptor >= 0 else {
            throw failure("cannot write \(path): cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var written = false
        defer { if !written { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            if exists {
                if fchmod(descriptor, existing.st_mode & 0o7777) != 0 {
                    throw failure("cannot keep the mode of \(path): \(String(cString: strerror(errno)))")
                }
                if (existing.st_uid != geteuid() || existing.st_gid != getegid()),
                   fchown(descriptor, existing.st_uid, existing.st_gid) != 0 {
                    throw failure("cannot keep the owner of \(path) (uid \(existing.st_uid), gid \(existing.st_gid)): \(String(cString: strerror(errno))); PlanBuild leaves it unchanged")
                }
            }
            try writeAll(Array(text.utf8), to: descriptor, temporary)
        }
        if rename(temporary, target) != 0 {
            throw failure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        written = true
    }

    private func writeAll(_ bytes: [UInt8], to descriptor: Int32, _ temporary: String) throws(PlanBuildError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write \(temporary): \(String(cString: strerror(errno)))")
            }
            offset += count
        }
    }

    /// Removes `NAME.tmp-PID-RAND` files whose writer process is gone. Called under the lock:
    /// live writers of this file wait for it, so only a dead one can have left such a file.
    private func removeStaleTemporaries(of name: String, in folder: String) {
        let prefix = "\(name).tmp-"
        for entry in FileSystem.listDirectory(folder) where entry.hasPrefix(prefix) {
            let rest = entry.dropFirst(prefix.count).split(separator: "-", maxSplits: 1)
            guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, UInt32(rest[1]) != nil else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(FileSystem.join(folder, entry))
            }
        }
    }
}
