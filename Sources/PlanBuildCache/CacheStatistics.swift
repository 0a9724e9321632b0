import PlanBuildSupport

/// `planbuild cache stats`: what the cache holds (entries, bytes, oldest and newest record) and
/// what it did (hits and misses of the last run and in total, time saved in total), the latter
/// kept in `.plan/build-cache/stats.json` and updated under a lock after every run.
///
/// stats.json is read like every file of the cache folder (never through a link, never a FIFO,
/// every count a whole number ≥ 0); one that is not is reported once and counted anew. Totals
/// add up with saturating arithmetic, so no count read back can make a sum overflow.
public struct CacheStatistics: Equatable, Sendable {
    public struct Counts: Equatable, Sendable {
        public var hits = 0
        public var misses = 0
        public var timeSavedSeconds = 0
        /// The shared cache (RemoteCache): records found and not found there, bytes down and up.
        public var remote = RemoteCache.Counts()

        var json: JSONObject {
            JSONObject([("hits", .int(hits)), ("misses", .int(misses)), ("time_saved_seconds", .int(timeSavedSeconds))])
        }

        /// Kept apart from the local counts (a remote hit is a local miss turned hit).
        var remoteJSON: JSONObject {
            JSONObject([("hits", .int(remote.hits)), ("misses", .int(remote.misses)),
                        ("bytes_down", .int(Int(remote.bytesDown))), ("bytes_up", .int(Int(remote.bytesUp)))])
        }

        init() {}

        /// The counts of stats.json's `local` and `remote` objects (either may be absent); throws
        /// when one is not an object or holds a count that is not a whole number ≥ 0.
        init(local: JSONValue?, remote remoteValue: JSONValue?) throws(RecordFields.Corrupt) {
            let any = 0...Int.max
            if let local {
                guard let object = local.objectValue else { throw RecordFields.Corrupt() }
                let fields = RecordFields(object)
                hits = try fields.number("hits", in: any) ?? 0
                misses = try fields.number("misses", in: any) ?? 0
                timeSavedSeconds = try fields.number("time_saved_seconds", in: any) ?? 0
            }
            if let remoteValue {
                guard let object = remoteValue.objectValue else { throw RecordFields.Corrupt() }
                let fields = RecordFields(object)
                remote.hits = try fields.number("hits", in: any) ?? 0
                remote.misses = try fields.number("misses", in: any) ?? 0
                remote.bytesDown = Int64(try fields.number("bytes_down", in: any) ?? 0)
                remote.bytesUp = Int64(try fields.number("bytes_up", in: any) ?? 0)
            }
        }

        /// Adds `other`, each count held at its maximum rather than overflowing.
        mutating func add(_ other: Counts) {
            hits = hits.saturatingAdding(other.hits)
            misses = misses.saturatingAdding(other.misses)
            timeSavedSeconds = timeSavedSeconds.saturatingAdding(other.timeSavedSeconds)
            remote.hits = remote.hits.saturatingAdding(other.remote.hits)
            remote.misses = remote.misses.saturatingAdding(other.remote.misses)
            remote.bytesDown = remote.bytesDown.saturatingAdding(other.remote.bytesDown)
            remote.bytesUp = remote.bytesUp.saturatingAdding(other.remote.bytesUp)
        }
    }

    public var entries = 0
    public var bytes = 0
    public var oldestAgeSeconds: Int?
    public var newestAgeSeconds: Int?
    public var lastRun = Counts()
    public var total = Counts()
    /// stats.json refused (a link, a FIFO, …) or corrupt: reported, and its counts taken as none.
    public var problems: [String] = []

    /// The cache's statistics file, in the cache folder, never reached through a link.
    static func file(in cache: DirectoryHandle) -> LockedJSONFile {
        LockedJSONFile(name: BuildCacheStore.statsName, in: cache, errorCode: .cacheUnavailable)
    }

    /// The last run's and the total counts of a stats.json document.
    private static func decode(_ document: JSONObject) throws(RecordFields.Corrupt) -> (lastRun: Counts, total: Counts) {
        let remote = try RecordFields(document).object("remote")
        return (try Counts(local: document["last_run"], remote: remote?["last_run"]),
                try Counts(local: document["total"], remote: remote?["total"]))
    }

    private static func corrupt(_ store: BuildCacheStore) -> String {
        "\(FileSystem.join(store.directory, BuildCacheStore.statsName)): not the cache's statistics (every count a whole number ≥ 0); counted anew"
    }

    public static func read(_ store: BuildCacheStore, now: Int = Int(time(nil))) -> CacheStatistics {
        var statistics = CacheStatistics()
        let listed = store.entries().entries
        statistics.entries = listed.count
        statistics.bytes = listed.reduce(0) { $0.saturatingAdding($1.bytes) }
        // Both times are range-checked (CacheRecord.Limits), so the difference fits.
        let ages = listed.map { max(0, now - $0.record.recordedAt) }
        statistics.oldestAgeSeconds = ages.max()
        statistics.newestAgeSeconds = ages.min()
        do {
            if let document = try file(in: try store.folder()).read() {
                do {
                    (statistics.lastRun, statistics.total) = try decode(document)
                } catch {
                    statistics.problems.append(corrupt(store))
                }
            }
        } catch let error as FileError {
            // No cache folder yet is no problem; one that is a link or a file is.
            if error.kind != .notFound { statistics.problems.append("\(error.path): \(error.reason)") }
        } catch let error as PlanBuildError {
            statistics.problems.append(error.message)
        } catch {}
        return statistics
    }

    /// Adds one run's counts. stats.json is a LockedJSONFile, the project's one way to update a
    /// JSON file that several processes share: a locked read-modify-write, so concurrent runs add
    /// up. Returns what to report once: the file was refused (a link or a FIFO, replaced without
    /// touching what it pointed to) or corrupt (counted anew).
    @discardableResult
    public static func add(hits: Int, misses: Int, timeSavedSeconds: Int, remote: RemoteCache.Counts = RemoteCache.Counts(),
                           to store: BuildCacheStore) throws(PlanBuildError) -> String? {
        let cache: DirectoryHandle
        do { cache = try store.prepareDirectory() } catch {
            throw PlanBuildError(.cacheUnavailable, "cannot create the build cache: \(error)")
        }
        var problem: String?
        let refused = try file(in: cache).replace { bytes in
            var total = Counts()
            if let bytes {
                if let object = (try? JSONParser.parse(bytes: bytes))?.objectValue, let stored = try? decode(object) {
                    total = stored.total
                } else {
                    problem = corrupt(store)
                }
            }
            var run = Counts()
            run.hits = hits
            run.misses = misses
            run.timeSavedSeconds = timeSavedSeconds
            run.remote = remote
            total.add(run)
            return JSONObject([("version", .int(1)), ("last_run", .object(run.json)), ("total", .object(total.json)),
                               ("remote", .object(JSONObject([("last_run", .object(run.remoteJSON)),
                                                              ("total", .object(total.remoteJSON))])))])
        }
        return refused ?? problem
    }

    public var json: JSONObject {
        var object = JSONObject([
            ("entries", .int(entries)), ("bytes", .int(bytes)),
            ("oldest_age_seconds", oldestAgeSeconds.map(JSONValue.int) ?? .null),
            ("newest_age_seconds", newestAgeSeconds.map(JSONValue.int) ?? .null),
            ("last_run", .object(lastRun.json)), ("total", .object(total.json)),
            ("remote", .object(JSONObject([("last_run", .object(lastRun.remoteJSON)), ("total", .object(total.remoteJSON))]))),
        ])
        if !problems.isEmpty { object["cache_warnings"] = .array(problems.map(JSONValue.string)) }
        return object
    }
}
