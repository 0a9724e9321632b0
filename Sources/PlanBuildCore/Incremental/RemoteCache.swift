import CPlanBuildSupport

/// The shared build cache on an HTTP cache server (bazel-remote's layout, which nginx with
/// WebDAV PUT serves as well): `{url}/ac/{input digest}` holds a build's record as JSON,
/// `{url}/cas/{sha256}` each artifact and the log by content hash.
///
/// Safety rules: blobs are uploaded before the record, so a reader never finds a record whose
/// blobs are missing; every downloaded blob is checked against its SHA-256 in a temporary file
/// under `.plan/build-cache/.incoming/` and renamed into place only when all blobs of the record
/// are good, so nothing wrong or partial is ever put in place. Any failure makes the build run
/// as if there were no remote cache; the run reports one warning line (`warning`).
///
/// The first failure to reach the server (refused, timeout, 4xx/5xx on a record) stops all
/// further requests of this run: a dead server costs one timeout, not one per module.
/// Thread-safe: fetches and uploads of different builds may run at once.
public final class RemoteCache: @unchecked Sendable {
    public struct Counts: Equatable, Sendable {
        public var hits = 0
        public var misses = 0
        public var bytesDown: Int64 = 0
        public var bytesUp: Int64 = 0
        public init() {}
    }

    private let transport: RemoteTransport
    private let base: String
    private let settings: RemoteCacheSettings
    private let token: String?
    private let layout: ProjectLayout
    private let hasher: ContentHasher
    private let monitor = Monitor()
    // Guarded by `monitor`.
    private var counts = Counts()
    private var problems: [String] = []
    private var unreachable = false

    public var canRead: Bool { settings.read }
    public var canWrite: Bool { settings.write }

    /// Loads the HTTP plugin; throws when it cannot be loaded or the URL is not http(s).
    init(settings: RemoteCacheSettings, layout: ProjectLayout, hasher: ContentHasher) throws(PlanBuildError) {
        switch settings.baseURL {
        case .success(let base): self.base = base
        case .failure(let error): throw error
        }
        self.transport = try RemoteTransport.shared()
        self.settings = settings
        self.token = settings.token
        self.layout = layout
        self.hasher = hasher
    }

    public var statistics: Counts { monitor.withLock { counts } }

    /// One line for the run's cache warnings, or nil when all went well. It names what failed,
    /// never the token.
    public var warning: String? {
        monitor.withLock {
            guard let first = problems.first else { return nil }
            let more = problems.count > 1 ? " (and \(problems.count - 1) more remote cache problem\(problems.count == 2 ? "" : "s"))" : ""
            return "remote cache: \(first); built locally\(more)"
        }
    }

    private func note(_ problem: String, unreachable stop: Bool = false) {
        monitor.withLock {
            problems.append(problem)
            if stop { unreachable = true }
        }
    }

    private var stopped: Bool { monitor.withLock { unreachable } }

    private func request(_ method: String, _ path: String, upload: String? = nil, download: String? = nil) -> RemoteTransport.Answer {
        transport.perform(method, url: "\(base)/\(path)", token: token, timeoutSeconds: settings.timeoutSeconds,
                          upload: upload, download: download)
    }

    private var incoming: String { FileSystem.join(FileSystem.join(layout.planDir, "build-cache"), ".incoming") }

    private func temporaryPath(_ name: String) -> String {
        FileSystem.join(incoming, "\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).part")
    }

    // MARK: Reading

    /// Looks up `inputDigest` for `build`; on a hit places its artifacts and log and returns the
    /// record as the local cache keeps it (log path local, recorded time kept). nil: build it.
    func fetch(inputDigest: String, build: PlannedBuild, maximumAgeSeconds: Int, now: Int) -> CacheRecord? {
        guard settings.read, !stopped else { return nil }
        do {
            try FileSystem.makeDirectories(incoming)
        } catch {
            note("cannot create \(incoming): \(error.reason)")
            return nil
        }
        var temporaries: [String] = []
        defer { for path in temporaries { unlink(path) } }

        let recordFile: String
        switch download("ac/\(inputDigest)", temporaries: &temporaries) {
        case .file(let file): recordFile = file
        case .notFound:
            monitor.withLock { counts.misses += 1 }
            return nil
        case .failed(let status):
            // The server itself is in trouble: ask it nothing more this run.
            note("the server answered HTTP \(status) for ac/\(inputDigest)", unreachable: true)
            return nil
        case .unreachable:
            return nil
        }
        guard let bytes = try? FileSystem.readFile(recordFile), let value = try? JSONParser.parse(bytes: bytes),
              let record = CacheRecord(json: value), record.inputDigest == inputDigest,
              record.module == build.module, record.command == build.command else {
            note("ac/\(inputDigest) is not a record of \(build.module) \(build.command)")
            return nil
        }
        guard now - record.recordedAt <= maximumAgeSeconds else {
            monitor.withLock { counts.misses += 1 }
            return nil
        }

        // Every blob downloaded and checked before anything is put in place.
        var placements: [(temporary: String, destination: String)] = []
        for artifact in record.artifacts {
            guard let relative = InputScanner.normalise(artifact.path), !relative.isEmpty, !artifact.path.hasSuffix("/"),
                  !relative.hasPrefix(".plan/"), !relative.hasPrefix(".git/"), let digest = artifact.sha256 else {
                note("the record of \(build.module) names an unusable artifact \(artifact.path)")
                return nil
            }
            guard let file = blob(digest, size: artifact.size, for: build.module, temporaries: &temporaries) else { return nil }
            placements.append((file, FileSystem.join(layout.projectDir, relative)))
        }
        var logFile: String?
        if let logDigest = record.logDigest, let remoteLog = record.logFile {
            guard let file = blob(logDigest, size: nil, for: build.module, temporaries: &temporaries) else { return nil }
            let name = LogFiles.sanitizedScope(FileSystem.baseName(remoteLog))
            let folder = FileSystem.join(FileSystem.absolute(layout.buildOutputDir), LogFiles.sanitizedScope(build.module))
            let destination = FileSystem.join(folder, name.hasSuffix(".log") ? name : name + ".log")
            placements.append((file, destination))
            logFile = destination
        }
        for placement in placements {
            do {
                try FileSystem.makeDirectories(FileSystem.directoryName(placement.destination))
            } catch {
                note("cannot create the folder of \(placement.destination): \(error.reason)")
                return nil
            }
            guard rename(placement.temporary, placement.destination) == 0 else {
                note("cannot put \(placement.destination) in place: \(String(cString: strerror(errno)))")
                return nil
            }
        }
        monitor.withLock { counts.hits += 1 }
        var local = CacheRecord(module: record.module, command: record.command, commandLine: record.commandLine,
                                inputDigest: record.inputDigest, moduleDigest: record.moduleDigest,
                                globalDigest: record.globalDigest, dependencyDigests: record.dependencyDigests,
                                durationMilliseconds: record.durationMilliseconds, tests: record.tests,
                                warnings: record.warnings, logFile: logFile,
                                artifacts: record.artifacts.map { CacheRecord.Artifact(path: $0.path, size: $0.size) },
                                recordedAt: record.recordedAt)
        local.logDigest = nil
        return local
    }

    /// Downloads `cas/{digest}` into a temporary file and checks its hash (and size, when known).
    private func blob(_ digest: String, size: Int64?, for module: String, temporaries: inout [String]) -> String? {
        guard digest.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            note("the record of \(module) names a malformed blob \(digest)")
            return nil
        }
        let file: String
        switch download("cas/\(digest)", temporaries: &temporaries) {
        case .file(let downloaded): file = downloaded
        case .notFound:
            note("the server answered HTTP 404 for cas/\(digest) (a blob of \(module))")
            return nil
        case .failed(let status):
            note("the server answered HTTP \(status) for cas/\(digest) (a blob of \(module))")
            return nil
        case .unreachable:
            return nil
        }
        let actual = try? hasher.hexDigest(ofFile: file)
        guard actual == digest, size == nil || size == Int64(BuildCacheStore.fileSize(file)) else {
            note("blob cas/\(digest) of \(module) does not match its SHA-256; not used")
            return nil
        }
        return file
    }

    /// What a GET of a record or a blob gave.
    private enum Download {
        /// HTTP 200: the body is in this temporary file.
        case file(String)
        case notFound
        /// Another HTTP status; the caller says what it means for its object.
        case failed(status: Int)
        /// No answer at all: already noted, and the server is asked nothing more this run.
        case unreachable
    }

    /// GETs `path` into a new temporary file (listed in `temporaries`, which the caller removes),
    /// counting the bytes received.
    private func download(_ path: String, temporaries: inout [String]) -> Download {
        let file = temporaryPath(path.hasPrefix("ac/") ? "record" : "blob")
        temporaries.append(file)
        let answer = request("GET", path, download: file)
        guard let status = answer.status else {
            note("server not reachable (\(answer.failure ?? "no answer"))", unreachable: true)
            return .unreachable
        }
        switch status {
        case 200:
            monitor.withLock { counts.bytesDown += answer.bytes }
            return .file(file)
        case 404: return .notFound
        default: return .failed(status: status)
        }
    }

    // MARK: Writing

    /// Uploads the blobs of `record` (each only when the server lacks it), then the record.
    /// Returns nothing: a failure is a warning of the run, never a failed build.
    func share(_ record: CacheRecord) {
        guard settings.write, !stopped else { return }
        // A directory artifact (npm's `files`) has no single content hash: such builds stay local.
        guard !record.artifacts.contains(where: { $0.path.hasSuffix("/") }) else { return }
        var artifacts: [CacheRecord.Artifact] = []
        for artifact in record.artifacts {
            let path = FileSystem.join(layout.projectDir, artifact.path)
            guard let digest = try? hasher.hexDigest(ofFile: path), upload(path, digest: digest) else { return }
            artifacts.append(CacheRecord.Artifact(path: artifact.path, size: Int64(BuildCacheStore.fileSize(path)), sha256: digest))
        }
        var logRelative: String?
        var logDigest: String?
        if let log = record.logFile, let digest = try? hasher.hexDigest(ofFile: log) {
            guard upload(log, digest: digest) else { return }
            let absolute = FileSystem.absolute(layout.projectDir)
            let project = absolute.hasSuffix("/") ? absolute : absolute + "/"
            logRelative = log.hasPrefix(project) ? String(log.dropFirst(project.count)) : FileSystem.baseName(log)
            logDigest = digest
        }
        var shared = CacheRecord(module: record.module, command: record.command, commandLine: record.commandLine,
                             inputDigest: record.inputDigest, moduleDigest: record.moduleDigest,
                             globalDigest: record.globalDigest, dependencyDigests: record.dependencyDigests,
                             durationMilliseconds: record.durationMilliseconds, tests: record.tests,
                             warnings: record.warnings, logFile: logRelative, artifacts: artifacts,
                             recordedAt: record.recordedAt)
        shared.logDigest = logDigest
        let file = temporaryPath("record")
        defer { unlink(file) }
        do {
            try FileSystem.makeDirectories(incoming)
            try FileSystem.writeAtomically(Array(JSONWriter.write(.object(shared.json), indent: 2).utf8), to: file)
        } catch {
            note("cannot write \(file): \(error.reason)")
            return
        }
        _ = put(file, to: "ac/\(record.inputDigest)")
    }

    /// A blob the server already has (HEAD answers 200) is not sent again.
    private func upload(_ path: String, digest: String) -> Bool {
        guard !stopped else { return false }
        let head = request("HEAD", "cas/\(digest)")
        guard let status = head.status else {
            note("server not reachable (\(head.failure ?? "no answer"))", unreachable: true)
            return false
        }
        if status == 200 { return true }
        return put(path, to: "cas/\(digest)")
    }

    private func put(_ path: String, to remote: String) -> Bool {
        let answer = request("PUT", remote, upload: path)
        guard let status = answer.status else {
            note("server not reachable (\(answer.failure ?? "no answer"))", unreachable: true)
            return false
        }
        guard (200...299).contains(status) else {
            note("the server answered HTTP \(status) to the upload of \(remote)", unreachable: status == 401 || status == 403)
            return false
        }
        monitor.withLock { counts.bytesUp += answer.bytes }
        return true
    }
}
