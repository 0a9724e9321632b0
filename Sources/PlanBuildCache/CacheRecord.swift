import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration

/// What the cache keeps of one successful build (module × canonical command), stored as
/// `.plan/build-cache/{module}/{command}.json`, with its input manifests beside it.
public struct CacheRecord: Equatable, Sendable {
    public static let formatVersion = 1

    public struct Artifact: Equatable, Sendable {
        public let path: String
        public let size: Int64
        /// The content's SHA-256: set in records shared through a remote cache (the blob's name there).
        public var sha256: String?
    }

    public let module: String
    public let command: String
    public let commandLine: String
    /// Over everything below; equal digests mean an equal build.
    public let inputDigest: String
    public let moduleDigest: String
    public let globalDigest: String
    /// Content digest of every internal module this one depends on (transitively through theirs).
    public let dependencyDigests: [String: String]
    public let durationMilliseconds: Int
    public let tests: TestSummary?
    public let warnings: Int
    public let logFile: String?
    public let artifacts: [Artifact]
    /// Seconds since the epoch.
    public let recordedAt: Int
    /// The log's SHA-256: set in records shared through a remote cache, whose `log_file` is then
    /// relative to the project.
    public var logDigest: String?

    public var durationSeconds: Int { durationMilliseconds / 1000 }

    public var json: JSONObject {
        JSONObject([
            ("version", .int(Self.formatVersion)),
            ("module", .string(module)), ("command", .string(command)), ("command_line", .string(commandLine)),
            ("status", "success"),
            ("input_digest", .string(inputDigest)), ("module_digest", .string(moduleDigest)),
            ("global_digest", .string(globalDigest)),
            ("dependency_digests", .object(JSONObject(dependencyDigests.keys.sorted().map { ($0, .string(dependencyDigests[$0]!)) }))),
            ("duration_seconds", .int(durationSeconds)), ("duration_ms", .int(durationMilliseconds)),
            ("tests", tests?.json ?? .null), ("warnings", .int(warnings)),
            ("log_file", logFile.map(JSONValue.string) ?? .null),
            ("artifacts", .array(artifacts.map { artifact in
                var entry = JSONObject([("path", .string(artifact.path)), ("size", .int(Int(artifact.size)))])
                if let sha256 = artifact.sha256 { entry["sha256"] = .string(sha256) }
                return .object(entry)
            })),
            ("recorded_at", .int(recordedAt)),
        ] + (logDigest.map { [("log_sha256", JSONValue.string($0))] } ?? []))
    }

    public init(module: String, command: String, commandLine: String, inputDigest: String, moduleDigest: String,
                globalDigest: String, dependencyDigests: [String: String], durationMilliseconds: Int,
                tests: TestSummary?, warnings: Int, logFile: String?, artifacts: [Artifact], recordedAt: Int) {
        self.module = module
        self.command = command
        self.commandLine = commandLine
        self.inputDigest = inputDigest
        self.moduleDigest = moduleDigest
        self.globalDigest = globalDigest
        self.dependencyDigests = dependencyDigests
        self.durationMilliseconds = durationMilliseconds
        self.tests = tests
        self.warnings = warnings
        self.logFile = logFile
        self.artifacts = artifacts
        self.recordedAt = recordedAt
    }

    /// What each number of a record may be. A record with a number outside is corrupt (treated as
    /// no record): inside these ranges every sum, product and difference the cache computes with
    /// them (ages, time saved, totals over a run) fits an Int.
    public enum Limits {
        /// No build lasts longer than its timeout, which is a year at most (TimeoutLimits).
        public static let durationMilliseconds = 0...(TimeoutLimits.maximumSeconds * 1000)
        /// Seconds since the epoch, up to the end of the year 9999.
        public static let recordedAt = 0...253_402_300_799
        /// Warnings and test counts.
        public static let count = 0...1_000_000_000
        /// Bytes of an artifact (a pebibyte).
        public static let size = 0...(1 << 50)
    }

    /// A record read back (from the local cache or a server); nil when the JSON is not a record of
    /// this format version: a foreign or corrupt file, a member of the wrong type or a number
    /// outside `Limits` counts as no record.
    public init?(json value: JSONValue) {
        guard let object = value.objectValue, let record = try? Self.decode(RecordFields(object)) else { return nil }
        self = record
    }

    private static func decode(_ fields: RecordFields) throws(RecordFields.Corrupt) -> CacheRecord {
        guard try fields.number("version", in: formatVersion...formatVersion) != nil else { throw .init() }
        var dependencies: [String: String] = [:]
        for (name, digest) in try fields.object("dependency_digests") ?? JSONObject() {
            guard let digest = digest.stringValue else { throw .init() }
            dependencies[name] = digest
        }
        var artifacts: [Artifact] = []
        for entry in try fields.array("artifacts") ?? [] {
            guard let entryObject = entry.objectValue else { throw .init() }
            let artifact = RecordFields(entryObject)
            artifacts.append(Artifact(path: try artifact.string("path"), size: Int64(try artifact.required("size", in: Limits.size)),
                                      sha256: try artifact.optionalString("sha256")))
        }
        var tests: TestSummary?
        if let summary = try fields.object("tests") {
            let counts = RecordFields(summary)
            tests = TestSummary(passed: try counts.number("passed", in: Limits.count) ?? 0,
                                failed: try counts.number("failed", in: Limits.count) ?? 0,
                                skipped: try counts.number("skipped", in: Limits.count) ?? 0,
                                total: try counts.number("total", in: Limits.count))
        }
        // `duration_ms` is the measure; records of older versions of the format had only seconds.
        let seconds = try fields.number("duration_seconds", in: 0...TimeoutLimits.maximumSeconds)
        let milliseconds = try fields.number("duration_ms", in: Limits.durationMilliseconds) ?? (seconds ?? 0) * 1000
        var record = CacheRecord(module: try fields.string("module"), command: try fields.string("command"),
                                 commandLine: try fields.string("command_line"), inputDigest: try fields.string("input_digest"),
                                 moduleDigest: try fields.string("module_digest"), globalDigest: try fields.string("global_digest"),
                                 dependencyDigests: dependencies, durationMilliseconds: milliseconds, tests: tests,
                                 warnings: try fields.number("warnings", in: Limits.count) ?? 0,
                                 logFile: try fields.optionalString("log_file"), artifacts: artifacts,
                                 recordedAt: try fields.required("recorded_at", in: Limits.recordedAt))
        record.logDigest = try fields.optionalString("log_sha256")
        return record
    }
}
