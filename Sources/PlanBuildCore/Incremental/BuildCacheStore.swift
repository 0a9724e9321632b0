import CPlanBuildSupport

/// The files of the build cache under `.plan/build-cache/` (never under `.plan/temp/`, which users
/// clear): per module folder, `{command}.json` (the record), `{command}.manifest` (the module's
/// input manifest) and `{command}.global` (the project-wide inputs' manifest); `stats.json`; and a
/// `.gitignore` of `*`, so the cache is never committed.
///
/// Concurrency: every file is replaced by an atomic rename, so a reader sees a whole old or whole
/// new file; the manifest is written before the record, and a record whose manifest does not carry
/// its digest just loses the fast path. stats.json is a LockedJSONFile (CacheStatistics.add).
public struct BuildCacheStore: Sendable {
    public let layout: ProjectLayout

    public init(layout: ProjectLayout) { self.layout = layout }

    public var directory: String { FileSystem.join(layout.planDir, "build-cache") }
    var statsPath: String { FileSystem.join(directory, "stats.json") }
    var lockPath: String { FileSystem.join(directory, ".lock") }

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

    func basePath(module: String, command: String) -> String {
        FileSystem.join(FileSystem.join(directory, Self.fileName(module)), Self.fileName(command))
    }

    // MARK: Reading

    public enum Lookup: Sendable {
        case none
        case record(CacheRecord)
        /// The file exists but is not a record of this version: reported once, treated as none.
        case unreadable(String)
    }

    public func record(module: String, command: String) -> Lookup {
        let path = basePath(module: module, command: command) + ".json"
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            return error.kind == .notFound ? .none : .unreadable("\(path): \(error.reason)")
        }
        guard let value = try? JSONParser.parse(bytes: bytes), let record = CacheRecord(json: value) else {
            return .unreadable("\(path): not a build-cache record of version \(CacheRecord.formatVersion); treated as no record")
        }
        return .record(record)
    }

    func manifest(module: String, command: String, kind: ManifestKind, digest: String) -> InputManifest? {
        manifestBytes(module: module, command: command, kind: kind, digest: digest).flatMap(InputManifest.parse(stored:))
    }

    /// The stored manifest unparsed, when its first line carries `digest` (the record's): the
    /// no-change path compares these bytes with a scan without parsing them.
    func manifestBytes(module: String, command: String, kind: ManifestKind, digest: String) -> [UInt8]? {
        guard let bytes = try? FileSystem.readFile(basePath(module: module, command: command) + kind.suffix, limit: 512 << 20),
              InputManifest.storedDigest(bytes) == digest else { return nil }
        return bytes
    }

    enum ManifestKind {
        case module, global
        var suffix: String { self == .module ? ".manifest" : ".global" }
    }

    // MARK: Writing

    func write(_ record: CacheRecord, moduleManifest: InputManifest, globalManifest: InputManifest) throws(PlanBuildError) {
        let base = basePath(module: record.module, command: record.command)
        do {
            try prepareDirectory()
            try FileSystem.makeDirectories(FileSystem.join(directory, Self.fileName(record.module)))
            try FileSystem.writeAtomically(moduleManifest.storedBytes, to: base + ManifestKind.module.suffix)
            try FileSystem.writeAtomically(globalManifest.storedBytes, to: base + ManifestKind.global.suffix)
            try FileSystem.writeAtomically(Array(JSONWriter.write(.object(record.json), indent: 2).utf8), to: base + ".json")
        } catch {
            throw PlanBuildError(.cacheUnavailable, "cannot write the build cache: \(error)")
        }
    }

    func prepareDirectory() throws(FileError) {
        try FileSystem.makeDirectories(directory)
        let ignore = FileSystem.join(directory, ".gitignore")
        if !FileSystem.exists(ignore) {
            try FileSystem.writeAtomically(Array("# PlanBuild's build cache: local state, never committed.\n*\n".utf8), to: ignore)
        }
    }

    /// Runs `body` holding the cache's exclusive lock (clearing).
    func withLock<R>(_ body: () throws(PlanBuildError) -> R) throws(PlanBuildError) -> R {
        do { try prepareDirectory() } catch { throw PlanBuildError(.cacheUnavailable, "cannot create the build cache: \(error)") }
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw PlanBuildError(.cacheUnavailable, "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let rc = pbs_lock_exclusive(descriptor)
        guard rc == 0 else { throw PlanBuildError(.cacheUnavailable, "cannot lock \(lockPath): \(String(cString: strerror(rc)))") }
        defer { _ = pbs_unlock(descriptor) }
        return try body()
    }

    // MARK: Listing and clearing

    public struct Entry: Sendable {
        public let record: CacheRecord
        /// Bytes of the record and its manifests.
        public let bytes: Int
    }

    /// Every readable record, by module then command; `module` limits it to one module.
    public func entries(module: String? = nil) -> (entries: [Entry], unreadable: [String]) {
        var entries: [Entry] = []
        var unreadable: [String] = []
        let folders = module.map { [Self.fileName($0)] } ?? FileSystem.listDirectory(directory).sorted()
        for folder in folders {
            let path = FileSystem.join(directory, folder)
            guard FileSystem.isDirectory(path) else { continue }
            for name in FileSystem.listDirectory(path).sorted() where name.hasSuffix(".json") {
                let file = FileSystem.join(path, name)
                guard let bytes = try? FileSystem.readFile(file), let value = try? JSONParser.parse(bytes: bytes),
                      let record = CacheRecord(json: value) else {
                    unreadable.append(file)
                    continue
                }
                let stem = String(file.dropLast(5))
                let size = bytes.count + Self.fileSize(stem + ManifestKind.module.suffix) + Self.fileSize(stem + ManifestKind.global.suffix)
                entries.append(Entry(record: record, bytes: size))
            }
        }
        return (entries, unreadable)
    }

    /// Removes the records of `module` (every module when nil); returns how many records went.
    @discardableResult
    public func clear(module: String? = nil) throws(PlanBuildError) -> Int {
        try withLock { () throws(PlanBuildError) -> Int in
            var removed = 0
            let folders = module.map { [Self.fileName($0)] } ?? FileSystem.listDirectory(directory)
            for folder in folders {
                let path = FileSystem.join(directory, folder)
                guard FileSystem.isDirectory(path) else { continue }
                for name in FileSystem.listDirectory(path) {
                    if name.hasSuffix(".json") { removed += 1 }
                    unlink(FileSystem.join(path, name))
                }
                rmdir(path)
            }
            return removed
        }
    }

    static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
