import CPlanBuildSupport
import PlanBuildSupport
import PlanBuildModel

/// The shared build cache on an HTTP cache server (bazel-remote's layout, which nginx with
/// WebDAV PUT serves as well): `{url}/ac/{input digest}` holds a build's record as JSON,
/// `{url}/cas/{sha256}` each artifact and the log by content hash.
///
/// Nothing from the server is trusted. A record is read into memory (at most 1 MiB) and checked
/// whole against the outputs the local configuration declares for the module (RemoteRecord)
/// before anything is written. Each blob streams, at most the size its record declares, into a
/// new hidden temporary file created in its destination folder itself, opened below the project
/// without following any link (DirectoryHandle), and is hashed while it streams; only when every
/// blob of the record is complete and matches its SHA-256 are they renamed into place, each then
/// checked to be there with its size. Any failure makes the build run as if there were no remote
/// cache; the run reports one warning line (`warning`).
///
/// Time: every request has one deadline for the whole exchange (`timeout_seconds`, plus a second
/// per MiB a blob declares) and all requests of a run share a budget (RemoteBudget); a redirect is
/// never followed. The first failure to reach the server (refused, deadline, redirect, 4xx/5xx on
/// a record) or the budget spent stops all further requests of this run: a dead or hostile
/// server costs one deadline, not one per module.
///
/// Blobs are uploaded before the record, so a reader never finds a record whose blobs are
/// missing. Thread-safe: fetches and uploads of different builds may run at once.
public final class RemoteCache: @unchecked Sendable {
    public struct Counts: Equatable, Sendable {
        public var hits = 0
        public var misses = 0
        public var bytesDown: Int64 = 0
        public var bytesUp: Int64 = 0
        public init() {}
    }

    /// A blob's deadline grows by a second per MiB it declares: a slow line still gets a large
    /// artifact, and a server cannot stretch a request past what its size justifies.
    static let bytesPerExtraSecond: Int64 = 1 << 20

    private let transport: any RemoteTransporting
    private let base: String
    private let settings: RemoteCacheSettings
    private let token: String?
    private let layout: ProjectLayout
    private let hasher: ContentHasher
    private let budget: RemoteBudget
    private let monitor = Monitor()
    // Guarded by `monitor`.
    private var counts = Counts()
    private var problems: [String] = []
    private var unreachable = false

    public var canRead: Bool { settings.read }
    public var canWrite: Bool { settings.write }

    /// Loads the HTTP plugin for an http(s) URL; a `grpc://` URL (a REAPI server's ActionCache and
    /// CAS) takes the transport `grpc` makes. Throws when neither serves the URL.
    convenience init(settings: RemoteCacheSettings, layout: ProjectLayout, hasher: ContentHasher,
                     grpc: RemoteCacheSettings.GrpcTransport? = nil) throws(PlanBuildError) {
        let transport: any RemoteTransporting
        if settings.isGrpc {
            guard let grpc else {
                throw PlanBuildError(.invalidValue, "a grpc:// remote cache is used by orchestration only")
            }
            transport = try grpc(settings)
        } else {
            transport = try RemoteTransport.shared()
        }
        try self.init(settings: settings, layout: layout, hasher: hasher, transport: transport)
    }

    /// With any transport (a test's, which answers what the test wants without a server).
    init(settings: RemoteCacheSettings, layout: ProjectLayout, hasher: ContentHasher, transport: any RemoteTransporting,
         budget: RemoteBudget? = nil) throws(PlanBuildError) {
        switch settings.baseURL {
        case .success(let base): self.base = base
        case .failure(let error): throw error
        }
        self.transport = transport
        self.settings = settings
        self.token = settings.token
        self.layout = layout
        self.hasher = hasher
        self.budget = budget ?? RemoteBudget(seconds: settings.budgetSeconds)
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

    /// Every problem noted so far (tests; the run reports `warning`).
    var noted: [String] { monitor.withLock { problems } }

    private func note(_ problem: String, stop: Bool = false) {
        monitor.withLock {
            // After the server was given up on, later requests are not made: nothing more to say.
            if stop && unreachable { return }
            problems.append(problem)
            if stop { unreachable = true }
        }
    }

    private var stopped: Bool { monitor.withLock { unreachable } }

    // MARK: Requests

    /// What a request gave the caller.
    private enum Answer {
        /// An HTTP answer other than a redirect.
        case status(Int, bytes: Int64)
        /// The receiver cut the body (the caller knows why).
        case cut
        /// Noted, and the server is asked nothing more this run: unreachable, deadline passed,
        /// redirected, or the run's budget spent.
        case givenUp
    }

    /// The deadline of a request moving `bytes` of declared content.
    private func deadline(forBytes bytes: Int64) -> Double {
        settings.timeoutSeconds + Double(max(bytes, 0) / Self.bytesPerExtraSecond)
    }

    /// `size`: the declared size of the blob a `cas/` request names.
    private func ask(_ method: String, _ path: String, bytes: Int64 = 0, size: Int64? = nil, upload: String? = nil,
                     receive: (UnsafeRawBufferPointer) -> Bool = { _ in true }) -> Answer {
        guard !stopped else { return .givenUp }
        let wanted = deadline(forBytes: bytes)
        guard let granted = budget.start(deadline: wanted) else {
            note(budgetSpent, stop: true)
            return .givenUp
        }
        let outcome = transport.perform(RemoteRequest(method: method, url: "\(base)/\(path)", token: token,
                                                      deadlineSeconds: granted, uploadPath: upload, blobSize: size),
                                        receive: receive)
        budget.finish()
        switch outcome {
        case .answered(let status, _) where (300...399).contains(status):
            note("the server answered HTTP \(status) for \(path), a redirect, which is never followed", stop: true)
            return .givenUp
        case .answered(let status, let bytes):
            return .status(status, bytes: bytes)
        case .unreachable(let reason):
            note("server not reachable (\(reason))", stop: true)
            return .givenUp
        case .deadlinePassed:
            note(granted < wanted ? budgetSpent : "no complete answer for \(path) within \(Self.seconds(granted)) s", stop: true)
            return .givenUp
        case .stopped:
            return .cut
        }
    }

    private var budgetSpent: String {
        "the run's time for the remote cache (\(Self.seconds(budget.seconds)) s) is spent; nothing more is asked"
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    // MARK: Reading

    /// Looks up `inputDigest` for `build`, whose module declares `outputs`; on a hit places its
    /// artifacts and log and returns the record as the local cache keeps it (log path local,
    /// recorded time kept). nil: build it.
    func fetch(inputDigest: String, build: PlannedBuild, outputs: DeclaredOutputs, maximumAgeSeconds: Int,
               now: Int) -> CacheRecord? {
        guard settings.read, !stopped else { return nil }
        // The folder where uploads are staged; made here too, so both directions find it.
        try? FileSystem.makeDirectories(incoming)

        var body: [UInt8] = []
        let answer = ask("GET", "ac/\(inputDigest)") { chunk in
            guard body.count + chunk.count <= RemoteRecord.maximumBytes else { return false }
            body.append(contentsOf: chunk)
            return true
        }
        switch answer {
        case .status(200, let bytes):
            monitor.withLock { counts.bytesDown += bytes }
        case .status(404, _):
            monitor.withLock { counts.misses += 1 }
            return nil
        case .status(let status, _):
            // The server itself is in trouble: ask it nothing more this run.
            note("the server answered HTTP \(status) for ac/\(inputDigest)", stop: true)
            return nil
        case .cut:
            refuse("the record ac/\(inputDigest) of \(build.module) is larger than \(RemoteRecord.maximumBytes) bytes")
            return nil
        case .givenUp:
            return nil
        }

        let remote: RemoteRecord
        do {
            remote = try RemoteRecord.check(body, inputDigest: inputDigest, build: build, outputs: outputs)
        } catch {
            refuse(error.reason)
            return nil
        }
        let record = remote.record
        let (age, overflow) = now.subtractingReportingOverflow(record.recordedAt)
        guard !overflow, age <= maximumAgeSeconds else {
            monitor.withLock { counts.misses += 1 }
            return nil
        }
        guard let placed = restore(remote, module: build.module) else {
            monitor.withLock { counts.misses += 1 }
            return nil
        }
        monitor.withLock { counts.hits += 1 }
        return CacheRecord(module: record.module, command: record.command, commandLine: record.commandLine,
                           inputDigest: record.inputDigest, moduleDigest: record.moduleDigest,
                           globalDigest: record.globalDigest, dependencyDigests: record.dependencyDigests,
                           durationMilliseconds: record.durationMilliseconds, tests: record.tests,
                           warnings: record.warnings, logFile: placed.logPath,
                           artifacts: remote.artifacts.map { CacheRecord.Artifact(path: $0.path, size: $0.size) },
                           recordedAt: record.recordedAt)
    }

    /// A record that is not used: a miss, with the reason among the run's warnings.
    private func refuse(_ reason: String) {
        monitor.withLock { counts.misses += 1 }
        note("\(reason); refused")
    }

    /// Puts the blobs of `remote` in place (OutputRestore), each fetched from `cas/{sha256}`.
    private func restore(_ remote: RemoteRecord, module: String) -> OutputRestore.Placed? {
        let restore = OutputRestore(layout: layout, hasher: hasher) { [self] problem in note(problem) }
        return restore.restore(artifacts: remote.artifacts, log: remote.log, module: module) { [self] file, receive in
            switch ask("GET", "cas/\(file.sha256)", bytes: file.size, size: file.size, receive: receive) {
            case .status(200, let bytes):
                monitor.withLock { counts.bytesDown += bytes }
                return .complete
            case .status(let status, _): return .failed("the server answered HTTP \(status)")
            case .cut: return .cut
            case .givenUp: return .failed(nil) // already noted
            }
        }
    }

    // MARK: Writing

    private var incoming: String { FileSystem.join(FileSystem.join(layout.planDir, "build-cache"), ".incoming") }

    /// Uploads the blobs of `record` (each only when the server lacks it), then the record.
    /// A build whose artifacts are not all declared outputs of its module (`outputs`), or that has
    /// none, is not shared: no reader could restore it. Returns nothing: a failure is a warning of
    /// the run, never a failed build.
    func share(_ record: CacheRecord, outputs: DeclaredOutputs) {
        guard settings.write, !stopped, !record.artifacts.isEmpty,
              record.artifacts.allSatisfy({ outputs.pattern(of: $0.path) != nil }) else { return }
        var artifacts: [CacheRecord.Artifact] = []
        for artifact in record.artifacts {
            let path = FileSystem.join(layout.projectDir, artifact.path)
            let size = Int64(BuildCacheStore.fileSize(path))
            guard let digest = try? hasher.hexDigest(ofFile: path), upload(path, digest: digest, size: size) else { return }
            artifacts.append(CacheRecord.Artifact(path: artifact.path, size: size, sha256: digest))
        }
        // The log travels as its file name only: a reader puts it in its own log folder.
        var log: (name: String, size: Int64, digest: String)?
        if let path = record.logFile, RemoteRecord.isLogName(FileSystem.baseName(path)),
           let digest = try? hasher.hexDigest(ofFile: path) {
            let size = Int64(BuildCacheStore.fileSize(path))
            guard upload(path, digest: digest, size: size) else { return }
            log = (FileSystem.baseName(path), size, digest)
        }
        var shared = CacheRecord(module: record.module, command: record.command, commandLine: record.commandLine,
                                 inputDigest: record.inputDigest, moduleDigest: record.moduleDigest,
                                 globalDigest: record.globalDigest, dependencyDigests: record.dependencyDigests,
                                 durationMilliseconds: record.durationMilliseconds, tests: record.tests,
                                 warnings: record.warnings, logFile: log?.name, artifacts: artifacts,
                                 recordedAt: record.recordedAt)
        shared.logDigest = log?.digest
        var json = shared.json
        if let log { json["log_size"] = .int(Int(log.size)) }
        let file = FileSystem.join(incoming, "record.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).part")
        defer { unlink(file) }
        do {
            try FileSystem.makeDirectories(incoming)
            try FileSystem.writeAtomically(Array(JSONWriter.write(.object(json), indent: 2).utf8), to: file)
        } catch {
            note("cannot write \(file): \(error.reason)")
            return
        }
        _ = put(file, to: "ac/\(record.inputDigest)", size: 0)
    }

    /// A blob the server already has (HEAD answers 200) is not sent again.
    private func upload(_ path: String, digest: String, size: Int64) -> Bool {
        guard case .status(let status, _) = ask("HEAD", "cas/\(digest)", size: size) else { return false }
        if status == 200 { return true }
        return put(path, to: "cas/\(digest)", size: size)
    }

    private func put(_ path: String, to remote: String, size: Int64) -> Bool {
        guard case .status(let status, let bytes) = ask("PUT", remote, bytes: size, size: size, upload: path) else { return false }
        guard (200...299).contains(status) else {
            note("the server answered HTTP \(status) to the upload of \(remote)", stop: status == 401 || status == 403)
            return false
        }
        monitor.withLock { counts.bytesUp += bytes }
        return true
    }
}
