import PlanBuildSupport
import Synchronization

/// The server's record of its jobs: an append-only file of JSON lines in the runtime folder
/// (0600), each state change written with one write(2) before the server acts on it or answers,
/// so that a job a client was told about survives the server's death: a written line is the
/// kernel's once write(2) returns, whatever becomes of the process. It is not synced to the disk
/// (no fdatasync, which cost a served run about 1 ms on a disk-backed folder): that would only
/// help after the machine itself stops, and then every build ended with it and the runtime folder
/// (`$XDG_RUNTIME_DIR`, a tmpfs) is gone too. Compaction still syncs its new file before the rename
/// that replaces the old one, so a crash in the middle never leaves a half-written journal.
///
/// Replay at start: a job submitted but never started runs again; one started but not finished
/// was running when the server died — its process groups are gone (the supervisor ends a build
/// whose runner dies) — and is reported `killed`; a finished one keeps its result for `retention`.
/// Then the file is rewritten with only what is kept (compaction), and again whenever it grows
/// past `compactionBytes` and twice what the last compaction kept: when a day's results alone
/// pass the threshold, compacting after every job would rewrite them all each time.
public final class Journal: @unchecked Sendable {
    public let path: String
    /// Finished jobs are kept this long, the `retainedJobs` most recent at most.
    public static let retentionMilliseconds = 24 * 3600 * 1000
    public static let retainedJobs = 10_000
    public static let defaultCompactionBytes = 32 << 20
    let compactionBytes: Int
    /// A line longer than this is not the journal's own (a result is capped far below it).
    static let maximumLineBytes = 64 << 20

    private let state: Mutex<State>

    private struct State {
        var descriptor: Int32
        var bytes: Int
        /// The size the last compaction left (0 before the first).
        var keptBytes = 0
    }

    /// Opens (creating 0600) the journal at `path`, which must not be a link.
    public init(path: String, compactionBytes: Int = defaultCompactionBytes) throws(PlanBuildError) {
        self.path = path
        self.compactionBytes = compactionBytes
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw PlanBuildError(.serverUnavailable, "cannot open the journal \(path): \(SystemCall.reason(errno))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw PlanBuildError(.serverUnavailable, "the journal \(path) is not a regular file")
        }
        state = Mutex(State(descriptor: descriptor, bytes: Int(info.st_size)))
    }

    deinit {
        _ = state.withLock { close($0.descriptor) }
    }

    /// Appends one record (one write(2); see above why it is not synced). A failed write is
    /// returned, not thrown: the server goes on (the job is still answered), and says so in its log.
    @discardableResult
    public func append(_ record: JournalRecord) -> String? {
        let line = Array((JSONWriter.writeCompact(.object(record.json)) + "\n").utf8)
        return state.withLock { state -> String? in
            do throws(FileError) {
                try SystemCall.writeAll(state.descriptor, line, path: path)
            } catch {
                return "cannot write the journal: \(error.reason)"
            }
            state.bytes += line.count
            return nil
        }
    }

    public var needsCompaction: Bool { state.withLock { $0.bytes > max(compactionBytes, 2 * $0.keptBytes) } }

    /// Rewrites the file with only what is kept: jobs not finished (with their requests), and
    /// finished ones younger than the retention, without their requests (written beside, synced,
    /// renamed over the journal). Appends wait meanwhile, so no record is lost.
    public func compact(now: Int = WallClock.milliseconds()) throws(PlanBuildError) {
        try state.withLock { (state: inout State) throws(PlanBuildError) in
            let kept = Self.retained(JournalReplay.jobs(Self.read(path).records), now: now)
            let temporary = path + ".compact"
            unlink(temporary)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else {
                throw PlanBuildError(.serverUnavailable, "cannot write \(temporary): \(SystemCall.reason(errno))")
            }
            let text = kept.flatMap(\.records).map { JSONWriter.writeCompact(.object($0.json)) + "\n" }.joined()
            let written = (try? SystemCall.writeAll(descriptor, Array(text.utf8), path: temporary)) != nil
            guard written, fsync(descriptor) == 0, rename(temporary, path) == 0 else {
                let reason = SystemCall.reason(errno)
                close(descriptor)
                unlink(temporary)
                throw PlanBuildError(.serverUnavailable, "cannot compact the journal: \(reason)")
            }
            let folder = open(FileSystem.directoryName(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folder >= 0 {
                fsync(folder)
                close(folder)
            }
            // The renamed file itself from now on: reopening by name could meet a file put there meanwhile.
            close(state.descriptor)
            state.descriptor = descriptor
            state.bytes = text.utf8.count
            state.keptBytes = state.bytes
        }
    }

    /// The jobs kept: every unfinished one, and the finished ones younger than the retention, the
    /// `retainedJobs` most recent at most.
    static func retained(_ jobs: [ReplayedJob], now: Int) -> [ReplayedJob] {
        let finished = jobs.compactMap { $0.finished?.at }.filter { now - $0 < retentionMilliseconds }.sorted()
        let oldestKept = finished.count > retainedJobs ? finished[finished.count - retainedJobs] : Int.min
        return jobs.filter { job in
            guard let at = job.finished?.at else { return true }
            return now - at < retentionMilliseconds && at >= oldestKept
        }
    }

    /// Every well-formed record of the file at `path` in order, and how many lines were refused
    /// (a line cut by the server's death, a foreign or corrupt line).
    public static func read(_ path: String) -> (records: [JournalRecord], refused: Int) {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path, limit: 256 << 20)
        } catch {
            return ([], 0)
        }
        var records: [JournalRecord] = []
        var refused = 0
        for line in bytes.split(separator: 0x0a, omittingEmptySubsequences: true) {
            guard line.count <= maximumLineBytes,
                  let value = try? line.withUnsafeBufferPointer({ try JSONParser.parse(bytes: $0) }),
                  let object = value.objectValue,
                  let record = try? JournalRecord(json: object) else {
                refused += 1
                continue
            }
            records.append(record)
        }
        return (records, refused)
    }
}

/// One line of the journal.
public enum JournalRecord: Sendable, Equatable {
    /// A job was accepted. Its request and context are dropped when the journal is compacted
    /// after the job finished (the environment may hold secrets; the result is what is kept).
    case submitted(job: String, sequence: Int, at: Int, kind: JobKind, project: String, label: String,
                   submission: Submission?)
    /// A build of the job started.
    case started(job: String, at: Int)
    case finished(job: String, at: Int, result: JSONObject)

    public var job: String {
        switch self {
        case .submitted(let job, _, _, _, _, _, _), .started(let job, _), .finished(let job, _, _): return job
        }
    }

    var json: JSONObject {
        switch self {
        case let .submitted(job, sequence, at, kind, project, label, submission):
            var members: [(String, JSONValue)] = [("record", "submitted"), ("job", .string(job)), ("sequence", .int(sequence)),
                                                  ("at", .int(at)), ("kind", .string(kind.rawValue)), ("project", .string(project)),
                                                  ("label", .string(label))]
            if let submission {
                members += [("request", .object(submission.request)), ("context", submission.context.json),
                            ("cancel_on_disconnect", .bool(submission.cancelOnDisconnect))]
            }
            return JSONObject(members)
        case let .started(job, at):
            return JSONObject([("record", "started"), ("job", .string(job)), ("at", .int(at))])
        case let .finished(job, at, result):
            return JSONObject([("record", "finished"), ("job", .string(job)), ("at", .int(at)), ("result", .object(result))])
        }
    }

    /// A line of the file, checked like any input: every member typed and in range.
    init(json object: JSONObject) throws(ProtocolError) {
        let members = Members(object: object)
        let job = try JobID.read(members)
        // Milliseconds since 1970, up to the year 9999.
        let at = try members.int("at", range: 0...253_402_300_799_000)
        switch try members.string("record", maximumBytes: 16) {
        case "submitted":
            var submission: Submission?
            let kind: JobKind = try members.enumValue("kind")
            if members.present("request") != nil {
                submission = Submission(kind: kind, request: try members.object("request"),
                                        context: try ClientContext(json: try members.object("context")),
                                        cancelOnDisconnect: try members.optionalBool("cancel_on_disconnect") ?? false)
            }
            self = .submitted(job: job, sequence: try members.int("sequence", range: 0...Int(Int32.max)), at: at, kind: kind,
                              project: try members.string("project"), label: try members.string("label", maximumBytes: 64 << 10),
                              submission: submission)
        case "started":
            self = .started(job: job, at: at)
        case "finished":
            self = .finished(job: job, at: at, result: try members.object("result"))
        default:
            throw ProtocolError(.invalidMessage, "unknown record")
        }
    }
}

extension Submission: Equatable {
    public static func == (lhs: Submission, rhs: Submission) -> Bool {
        lhs.kind == rhs.kind && lhs.request == rhs.request && lhs.context == rhs.context && lhs.cancelOnDisconnect == rhs.cancelOnDisconnect
    }
}

/// Wall-clock milliseconds since 1970, for the journal and `list`.
public enum WallClock {
    public static func milliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }
}
