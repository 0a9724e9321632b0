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

    /// A record read back; nil when the JSON is not a record of this format version (a foreign or
    /// corrupt file counts as no record).
    public init?(json value: JSONValue) {
        guard let object = value.objectValue, object["version"]?.intValue == Self.formatVersion,
              let module = object["module"]?.stringValue, let command = object["command"]?.stringValue,
              let commandLine = object["command_line"]?.stringValue, let inputDigest = object["input_digest"]?.stringValue,
              let moduleDigest = object["module_digest"]?.stringValue, let globalDigest = object["global_digest"]?.stringValue,
              let recordedAt = object["recorded_at"]?.intValue else { return nil }
        var dependencies: [String: String] = [:]
        for (name, digest) in object["dependency_digests"]?.objectValue ?? JSONObject() {
            guard let digest = digest.stringValue else { return nil }
            dependencies[name] = digest
        }
        var artifacts: [Artifact] = []
        for entry in object["artifacts"]?.arrayValue ?? [] {
            guard let path = entry["path"]?.stringValue, let size = entry["size"]?.intValue else { return nil }
            artifacts.append(Artifact(path: path, size: Int64(size), sha256: entry["sha256"]?.stringValue))
        }
        let tests = object["tests"].flatMap { TestSummary(json: $0) }
        self.init(module: module, command: command, commandLine: commandLine, inputDigest: inputDigest,
                  moduleDigest: moduleDigest, globalDigest: globalDigest, dependencyDigests: dependencies,
                  durationMilliseconds: object["duration_ms"]?.intValue ?? (object["duration_seconds"]?.intValue ?? 0) * 1000,
                  tests: tests, warnings: object["warnings"]?.intValue ?? 0, logFile: object["log_file"]?.stringValue,
                  artifacts: artifacts, recordedAt: recordedAt)
        self.logDigest = object["log_sha256"]?.stringValue
    }
}
