import CPlanBuildSupport
import PlanBuildSupport
import PlanBuildModel

/// The files of the build cache under `.plan/build-cache/` (never under `.plan/temp/`, which users
/// clear): per module folder, `{command}.json` (the record), `{command}.manifest` (the module's
/// input manifest) and `{command}.global` (the project-wide inputs' manifest); `stats.json`; and a
/// `.gitignore` of `*`, so the cache is never committed.
///
/// No link is followed inside: the cache folder (`build-cache` in the plan folder) and everything
/// in it are opened relative to a folder's descriptor (DirectoryHandle), one name at a time, with
/// `O_NOFOLLOW`, and files are opened `O_NONBLOCK` with their type checked before reading. A
/// checkout may carry anything there: an entry that is a symbolic link, a FIFO, a socket, a device
/// or larger than the cache reads is refused (a record or manifest there makes the record corrupt:
/// reported once, treated as absent), and replaced when the cache writes that name by removing the
/// entry itself, never what a link points to. Clearing unlinks what it finds without following.
///
/// Concurrency: every file is replaced by an atomic rename, so a reader sees a whole old or whole
/// new file; the manifest is written before the record, and a record whose manifest does not carry
/// its digest just loses the fast path. stats.json is a LockedJSONFile (CacheStatistics.add).
public struct BuildCacheStore: Sendable {
    public let layout: ProjectLayout

    public init(layout: ProjectLayout) { self.layout = layout }

    static let folderName = "build-cache"
    static let statsName = "stats.json"
    static let lockName = ".lock"
    /// The most read of a record (and of stats.json), and of a manifest.
    static let recordLimit = LockedJSONFile.readLimit
    static let manifestLimit = 512 << 20

    /// For messages; every file operation goes through `folder`.
    public var directory: String { FileSystem.join(layout.planDir, Self.folderName) }

    /// Module and command names become folder and file names: anything but letters, digits, `.`,
    /// `_` and `-` is written `%XX`, so no name can leave the cache folder or collide.
    static func fileName(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: ".") where !out.isEmpty:
                out += "."
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
            }
        }
        return out.isEmpty ? "%" : out
    }

    /// The path of a build's files without their suffix, for messages.
    func basePath(module: String, command: String) -> String {
        FileSystem.join(FileSystem.join(directory, Self.fileName(module)), Self.fileName(command))
    }

    // MARK: Folders

    /// The cache folder, held by its descriptor. The plan folder is the caller's choice (links to
    /// it are followed); `build-cache` in it must be a folder, not a link. With `create`, it is
    /// made when missing, and whatever else stands in its place is removed first.
    func folder(create: Bool = false) throws(FileError) -> DirectoryHandle {
        if create { try FileSystem.makeDirectories(layout.planDir) }
        let plan = try DirectoryHandle.open(layout.planDir)
        return create ? try Self.realFolder(Self.folderName, in: plan) : try plan.folder(Self.folderName)
    }

    /// The folder `name` of `parent`, made when missing; a link, a file, a FIFO, … in its place is
    /// removed first (the entry itself, never what a link points to).
    static func realFolder(_ name: String, in parent: DirectoryHandle) throws(FileError) -> DirectoryHandle {
        do {
            return try parent.folder(name, create: true)
        } catch {
            guard let info = parent.status(name), info.st_mode & S_IFMT != S_IFDIR else { throw error }
            try parent.remove(name)
            return try parent.folder(name, create: true)
        }
    }

    private func moduleFolder(_ module: String) throws(FileError) -> DirectoryHandle {
        try folder().folder(Self.fileName(module))
    }

    // MARK: Reading

    public enum Lookup: Sendable {
        case none
        case record(CacheRecord)
        /// The file exists but is not a record of this version: reported once, treated as none.
        case unreadable(String)
    }

    public func record(module: String, command: String) -> Lookup {
        let shown = basePath(module: module, command: command)
        let stem = Self.fileName(command)
        let bytes: [UInt8]
        let folder: DirectoryHandle
        do {
            folder = try moduleFolder(module)
            bytes = try folder.readFile(stem + ".json", limit: Self.recordLimit)
        } catch {
            return error.kind == .notFound ? .none : .unreadable("\(error.path): \(error.reason); treated as no record")
        }
        guard let value = try? JSONParser.parse(bytes: bytes), let record = CacheRecord(json: value) else {
            return .unreadable("\(shown).json: not a build-cache record of version \(CacheRecord.formatVersion); treated as no record")
        }
        // The manifests are read later, on the fast path; one that would be refused then makes
        // the record corrupt now, so that it is reported once and the next build rewrites it.
        for kind in [ManifestKind.module, .global] {
            if let reason = folder.refusal(of: stem + kind.suffix, limit: Self.manifestLimit) {
                return .unreadable("\(shown)\(kind.suffix): \(reason); treated as no record")
            }
        }
        return .record(record)
    }

    func manifest(module: String, command: String, kind: ManifestKind, digest: String) -> InputManifest? {
        manifestBytes(module: module, command: command, kind: kind, digest: digest).flatMap(InputManifest.parse(stored:))
    }

    /// The stored manifest unparsed, when its first line carries `digest` (the record's): the
    /// no-change path compares these bytes with a scan without parsing them.
    func manifestBytes(module: String, command: String, kind: ManifestKind, digest: String) -> [UInt8]? {
        guard let bytes = try? moduleFolder(module).readFile(Self.fileName(command) + kind.suffix, limit: Self.manifestLimit),
              InputManifest.storedDigest(bytes) == digest else { return nil }
        return bytes
    }

    enum ManifestKind {
        case module, global
        var suffix: String { self == .module ? ".manifest" : ".global" }
    }

    // MARK: Writing

    func write(_ record: CacheRecord, moduleManifest: InputManifest, globalManifest: InputManifest) throws(PlanBuildError) {
        let stem = Self.fileName(record.command)
        do {
            let folder = try Self.realFolder(Self.fileName(record.module), in: try prepareDirectory())
            try folder.writeAtomically(moduleManifest.storedBytes, as: stem + ManifestKind.module.suffix)
            // The project-wide inputs rarely change between two builds of a module: an equal
            // manifest is left as it is (no new file, and its identity stays for the next check).
            let global = globalManifest.storedBytes
            let name = stem + ManifestKind.global.suffix
            let present = folder.status(name).map { $0.st_mode & S_IFMT == S_IFREG && Int($0.st_size) == global.count } ?? false
            if !present || (try? folder.readFile(name, limit: global.count)) != global {
                try folder.writeAtomically(global, as: name)
            }
            try folder.writeAtomically(Array(JSONWriter.write(.object(record.json), indent: 2).utf8), as: stem + ".json")
        } catch {
            throw PlanBuildError(.cacheUnavailable, "cannot write the build cache: \(error)")
        }
    }

    // MARK: The last build's failure

    /// A build of `command` in `module` failed: an empty `{command}.failed` beside its record, so
    /// that when it runs again without a record it says `previous run failed`, not `first build`.
    func markFailed(module: String, command: String) {
        guard let folder = try? Self.realFolder(Self.fileName(module), in: try prepareDirectory()) else { return }
        try? folder.writeAtomically([], as: Self.fileName(command) + Self.failedSuffix)
    }

    /// A success removes the mark.
    func clearFailed(module: String, command: String) {
        guard let folder = try? moduleFolder(module), folder.status(Self.fileName(command) + Self.failedSuffix) != nil else { return }
        try? folder.remove(Self.fileName(command) + Self.failedSuffix)
    }

    func failedLastTime(module: String, command: String) -> Bool {
        guard let folder = try? moduleFolder(module), let info = folder.status(Self.fileName(command) + Self.failedSuffix) else {
            return false
        }
        return info.st_mode & S_IFMT == S_IFREG
    }

    static let failedSuffix = ".failed"

    /// The cache folder, made when missing, with its `.gitignore`.
    @discardableResult
    func prepareDirectory() throws(FileError) -> DirectoryHandle {
        let cache = try folder(create: true)
        if cache.status(".gitignore") == nil || cache.refusal(of: ".gitignore", limit: 4096) != nil {
            try cache.writeAtomically(Array("# PlanBuild's build cache: local state, never committed.\n*\n".utf8), as: ".gitignore")
        }
        return cache
    }

    /// Runs `body` with the cache folder, holding the cache's exclusive lock (clearing).
    func withLock<R>(_ body: (DirectoryHandle) throws(PlanBuildError) -> R) throws(PlanBuildError) -> R {
        let cache: DirectoryHandle
        let descriptor: Int32
        do {
            cache = try prepareDirectory()
            descriptor = try Self.openLockFile(in: cache)
        } catch {
            throw PlanBuildError(.cacheUnavailable, "cannot lock the build cache: \(error)")
        }
        defer { close(descriptor) }
        let rc = pbs_lock_exclusive(descriptor)
        guard rc == 0 else {
            throw PlanBuildError(.cacheUnavailable, "cannot lock \(FileSystem.join(directory, Self.lockName)): \(SystemCall.reason(rc))")
        }
        defer { _ = pbs_unlock(descriptor) }
        return try body(cache)
    }

    /// `.lock`, created when missing; anything but a regular file in its place is removed first.
    private static func openLockFile(in cache: DirectoryHandle) throws(FileError) -> Int32 {
        if cache.refusal(of: lockName, limit: Int.max) != nil { try cache.remove(lockName) }
        return try cache.openFile(lockName, flags: O_RDWR | O_CREAT, mode: 0o644)
    }

    // MARK: Listing and clearing

    public struct Entry: Sendable {
        public let record: CacheRecord
        /// Bytes of the record and its manifests.
        public let bytes: Int
    }

    /// Every readable record, by module then command; `module` limits it to one module.
    /// `unreadable` lists corrupt records and what was refused (links, FIFOs, …), with the reason.
    public func entries(module: String? = nil) -> (entries: [Entry], unreadable: [String]) {
        var entries: [Entry] = []
        var unreadable: [String] = []
        let cache: DirectoryHandle
        do {
            cache = try folder()
        } catch {
            // No cache folder yet is an empty cache; one that is a link or a file is reported.
            return ([], error.kind == .notFound ? [] : ["\(error.path): \(error.reason)"])
        }
        let names = module.map { [Self.fileName($0)] } ?? cache.entries().sorted()
        for name in names {
            guard let info = cache.status(name) else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: break
            case S_IFLNK: unreadable.append("\(FileSystem.join(directory, name)): is a symbolic link; not followed"); continue
            default: continue  // stats.json, .gitignore, .lock
            }
            guard let folder = try? cache.folder(name) else { continue }
            for file in folder.entries().sorted() where file.hasSuffix(".json") {
                let shown = FileSystem.join(FileSystem.join(directory, name), file)
                let bytes: [UInt8]
                do {
                    bytes = try folder.readFile(file, limit: Self.recordLimit)
                } catch {
                    unreadable.append("\(shown): \(error.reason)")
                    continue
                }
                guard let value = try? JSONParser.parse(bytes: bytes), let record = CacheRecord(json: value) else {
                    unreadable.append("\(shown): not a build-cache record of version \(CacheRecord.formatVersion)")
                    continue
                }
                let stem = String(file.dropLast(5))
                let size = [stem + ManifestKind.module.suffix, stem + ManifestKind.global.suffix].reduce(bytes.count) { total, manifest in
                    guard let info = folder.status(manifest), info.st_mode & S_IFMT == S_IFREG else { return total }
                    return total.saturatingAdding(Int(info.st_size))
                }
                entries.append(Entry(record: record, bytes: size))
            }
        }
        return (entries, unreadable)
    }

    /// Removes the records of `module` (every module when nil); returns how many records went.
    /// Only what is inside the cache folder goes: a module folder is emptied and removed without
    /// following a link in it (a link is unlinked, never what it points to), and a link in a
    /// module folder's place is unlinked itself. stats.json, `.gitignore` and `.lock` stay.
    @discardableResult
    public func clear(module: String? = nil) throws(PlanBuildError) -> Int {
        try withLock { cache throws(PlanBuildError) -> Int in
            var removed = 0
            for name in module.map({ [Self.fileName($0)] }) ?? cache.entries() {
                guard let info = cache.status(name) else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    removed += Self.recordCount(in: cache, name)
                case S_IFLNK: break
                default: continue
                }
                do {
                    try cache.remove(name)
                } catch {
                    throw PlanBuildError(.cacheUnavailable, "cannot clear the build cache: \(error)")
                }
            }
            return removed
        }
    }

    /// The records (regular `.json` files) in the module folder `name`.
    private static func recordCount(in cache: DirectoryHandle, _ name: String) -> Int {
        guard let folder = try? cache.folder(name) else { return 0 }
        return folder.entries().filter { entry in
            entry.hasSuffix(".json") && folder.status(entry).map { $0.st_mode & S_IFMT == S_IFREG } == true
        }.count
    }

    static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
