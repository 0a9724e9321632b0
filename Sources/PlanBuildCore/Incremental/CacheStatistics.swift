/// `planbuild cache stats`: what the cache holds (entries, bytes, oldest and newest record) and
/// what it did (hits and misses of the last run and in total, time saved in total), the latter
/// kept in `.plan/build-cache/stats.json` and updated under the cache's lock after every run.
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

        init(json: JSONValue?, remote remoteJSON: JSONValue?) {
            hits = json?["hits"]?.intValue ?? 0
            misses = json?["misses"]?.intValue ?? 0
            timeSavedSeconds = json?["time_saved_seconds"]?.intValue ?? 0
            remote.hits = remoteJSON?["hits"]?.intValue ?? 0
            remote.misses = remoteJSON?["misses"]?.intValue ?? 0
            remote.bytesDown = Int64(remoteJSON?["bytes_down"]?.intValue ?? 0)
            remote.bytesUp = Int64(remoteJSON?["bytes_up"]?.intValue ?? 0)
        }
    }

    public var entries = 0
    public var bytes = 0
    public var oldestAgeSeconds: Int?
    public var newestAgeSeconds: Int?
    public var lastRun = Counts()
    public var total = Counts()

    public static func read(_ store: BuildCacheStore, now: Int = Int(time(nil))) -> CacheStatistics {
        var statistics = CacheStatistics()
        let listed = store.entries().entries
        statistics.entries = listed.count
        statistics.bytes = listed.reduce(0) { $0 + $1.bytes }
        let ages = listed.map { max(0, now - $0.record.recordedAt) }
        statistics.oldestAgeSeconds = ages.max()
        statistics.newestAgeSeconds = ages.min()
        if let bytes = try? FileSystem.readFile(store.statsPath), let value = try? JSONParser.parse(bytes: bytes) {
            statistics.lastRun = Counts(json: value["last_run"], remote: value["remote"]?["last_run"])
            statistics.total = Counts(json: value["total"], remote: value["remote"]?["total"])
        }
        return statistics
    }

    /// Adds one run's counts. stats.json is a LockedJSONFile, the project's one way to update a
    /// JSON file that several processes share: a locked read-modify-write, so concurrent runs add
    /// up; a corrupt file counts as empty.
    public static func add(hits: Int, misses: Int, timeSavedSeconds: Int, remote: RemoteCache.Counts = RemoteCache.Counts(),
                           to store: BuildCacheStore) throws(PlanBuildError) {
        do { try store.prepareDirectory() } catch {
            throw PlanBuildError(.cacheUnavailable, "cannot create the build cache: \(error)")
        }
        try LockedJSONFile(path: store.statsPath, errorCode: .cacheUnavailable).replace { bytes in
            var total = Counts()
            if let bytes, let value = try? JSONParser.parse(bytes: bytes) {
                total = Counts(json: value["total"], remote: value["remote"]?["total"])
            }
            var run = Counts()
            run.hits = hits
            run.misses = misses
            run.timeSavedSeconds = timeSavedSeconds
            run.remote = remote
            total.remote.hits += remote.hits
            total.remote.misses += remote.misses
            total.remote.bytesDown += remote.bytesDown
            total.remote.bytesUp += remote.bytesUp
            total.hits += hits
            total.misses += misses
            total.timeSavedSeconds += timeSavedSeconds
            return JSONObject([("version", .int(1)), ("last_run", .object(run.json)), ("total", .object(total.json)),
                               ("remote", .object(JSONObject([("last_run", .object(run.remoteJSON)),
                                                              ("total", .object(total.remoteJSON))])))])
        }
    }

    public var json: JSONObject {
        JSONObject([
            ("entries", .int(entries)), ("bytes", .int(bytes)),
            ("oldest_age_seconds", oldestAgeSeconds.map(JSONValue.int) ?? .null),
            ("newest_age_seconds", newestAgeSeconds.map(JSONValue.int) ?? .null),
            ("last_run", .object(lastRun.json)), ("total", .object(total.json)),
            ("remote", .object(JSONObject([("last_run", .object(lastRun.remoteJSON)), ("total", .object(total.remoteJSON))]))),
        ])
    }
}
