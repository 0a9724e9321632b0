#if canImport(Glibc)
import Glibc
#endif
import CPlanBuildSupport

/// `.plan/run-configuration.json`: learned timeouts and accepted warnings.
///
/// Writers hold an exclusive `flock` on a lock file for the whole read-modify-write and replace
/// the file by an atomic rename, so concurrent processes and threads lose no update and readers
/// never see a partial file. Every key PlanBuild does not own is written back as it was.
public struct RunConfiguration: Sendable {
    public let layout: ProjectLayout

    public init(layout: ProjectLayout) { self.layout = layout }

    public var path: String { layout.runConfigurationPath }
    var lockPath: String { FileSystem.join(layout.planDir, "temp/run-configuration.lock") }

    /// The whole document; an empty one when the file does not exist.
    public func load() throws(PlanBuildError) -> JSONObject {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error.kind == .notFound { return JSONObject() }
            throw PlanBuildError(.configurationInvalid, "cannot read \(path): \(error.reason)")
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw PlanBuildError(.configurationInvalid, "\(path) is empty: fix or delete it (PlanBuild does not overwrite it)")
        }
        do {
            guard let object = try JSONParser.parse(bytes: bytes).objectValue else {
                throw PlanBuildError(.configurationInvalid, "\(path) must hold a JSON object: fix or delete it (PlanBuild does not overwrite it)")
            }
            return object
        } catch let error as JSONParseError {
            throw PlanBuildError(.configurationInvalid, "\(path) is not valid JSON (\(error)): fix or delete it (PlanBuild does not overwrite it)")
        } catch let error as PlanBuildError {
            throw error
        } catch {
            throw PlanBuildError(.configurationInvalid, "\(path): \(error)")
        }
    }

    public func policy() throws(PlanBuildError) -> TimeoutPolicy {
        TimeoutPolicy(json: try load()["timeout_policy"])
    }

    public func learnedTimeout(_ key: String, in document: JSONObject) -> Int? {
        document["commands"]?[key]?["timeout_seconds"]?.intValue
    }

    // MARK: Timeouts

    public struct TimeoutLookup: Equatable, Sendable {
        public let seconds: Int
        public let learned: Int?
        public let keyUsed: String?

        public init(seconds: Int, learned: Int?, keyUsed: String?) {
            self.seconds = seconds
            self.learned = learned
            self.keyUsed = keyUsed
        }
    }

    /// The timeout to apply: learned under `key`, else under `fallbackKey` (the pre-module key),
    /// else `defaultSeconds` (none: the policy's minimum applies).
    public func timeout(for key: String, fallbackKey: String? = nil, default defaultSeconds: Int? = nil) throws(PlanBuildError) -> TimeoutLookup {
        let document = try load()
        let policy = TimeoutPolicy(json: document["timeout_policy"])
        var keyUsed: String? = key
        var learned = learnedTimeout(key, in: document)
        if learned == nil, let fallbackKey {
            learned = learnedTimeout(fallbackKey, in: document)
            keyUsed = fallbackKey
        }
        if learned == nil { keyUsed = nil }
        return TimeoutLookup(seconds: policy.effectiveTimeout(learned: learned, default: defaultSeconds ?? 0),
                             learned: learned, keyUsed: keyUsed)
    }

    public struct TimeoutUpdate: Equatable, Sendable {
        public let seconds: Int
        public let previous: Int?
        public var source: String { previous == nil ? "initial" : "computed" }

        /// The lines `timeout set` prints (SPEC: run_config CLI), each ending in a newline.
        public var toon: String {
            var lines = ["status\tsuccess", "timeout_seconds\t\(seconds)"]
            if let previous { lines.append("previous_seconds\t\(previous)") }
            lines.append("source\t\(source)")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// Learns from a finished build: a timed-out one learns the timeout it was given.
    @discardableResult
    public func record(_ seconds: Int, for key: String, timedOut: Bool) throws(PlanBuildError) -> TimeoutUpdate {
        timedOut ? try recordTimeout(seconds, for: key) : try recordDuration(seconds, for: key)
    }

    /// Learns from a finished build: the weighted update of SPEC section 5.
    @discardableResult
    public func recordDuration(_ duration: Int, for key: String) throws(PlanBuildError) -> TimeoutUpdate {
        try update(key) { previous, policy in policy.learnedValue(existing: previous, newDuration: max(0, duration)) }
    }

    /// A build that timed out learns the timeout it was given, so the next run gets
    /// `timeout × margin` instead of timing out again forever.
    @discardableResult
    public func recordTimeout(_ timeoutUsed: Int, for key: String) throws(PlanBuildError) -> TimeoutUpdate {
        try update(key) { _, policy in policy.learnedValueAfterTimeout(max(0, timeoutUsed)) }
    }

    private func update(_ key: String, _ compute: (Int?, TimeoutPolicy) -> Int) throws(PlanBuildError) -> TimeoutUpdate {
        var outcome = TimeoutUpdate(seconds: 0, previous: nil)
        try modify { document throws(PlanBuildError) in
            if document["version"] == nil { document["version"] = 1 }
            var commands = JSONObject()
            if let existing = document["commands"] {
                guard let object = existing.objectValue else {
                    throw PlanBuildError(.configurationInvalid, "\(path): \"commands\" must be an object: fix it (PlanBuild does not overwrite it)")
                }
                commands = object
            }
            var entry = commands[key]?.objectValue ?? JSONObject()
            let previous = entry["timeout_seconds"]?.intValue
            let seconds = compute(previous, TimeoutPolicy(json: document["timeout_policy"]))
            entry["timeout_seconds"] = .int(seconds)
            commands[key] = .object(entry)
            document["commands"] = .object(commands)
            outcome = TimeoutUpdate(seconds: seconds, previous: previous)
        }
        return outcome
    }

    /// Runs `change` on the current document under the exclusive lock and writes the result;
    /// when `change` throws, the file stays as it was.
    public func modify(_ change: (inout JSONObject) throws(PlanBuildError) -> Void) throws(PlanBuildError) {
        try modifyRaw { _ throws(PlanBuildError) -> JSONObject? in
            var document = try load()
            try change(&document)
            return document
        }
    }

    /// Under the exclusive lock: `change` sees the file's bytes (nil when it does not exist) and
    /// returns the document to write, or nil to leave the file alone.
    public func modifyRaw(_ change: ([UInt8]?) throws(PlanBuildError) -> JSONObject?) throws(PlanBuildError) {
        do {
            try FileSystem.makeDirectories(FileSystem.join(layout.planDir, "temp"))
        } catch {
            throw PlanBuildError(.configurationInvalid, "cannot create \(error.path): \(error.reason)")
        }
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else {
            throw PlanBuildError(.configurationInvalid, "cannot open lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer { close(lock) }
        let rc = pbs_lock_exclusive(lock)
        guard rc == 0 else { throw PlanBuildError(.configurationInvalid, "cannot lock \(lockPath): \(String(cString: strerror(rc)))") }
        defer { _ = pbs_unlock(lock) }

        var existing: [UInt8]?
        do {
            existing = try FileSystem.readFile(path)
        } catch {
            if error.kind != .notFound { throw PlanBuildError(.configurationInvalid, "cannot read \(path): \(error.reason)") }
        }
        guard let document = try change(existing) else { return }
        let text = JSONWriter.write(.object(document), indent: 2) + "\n"
        do {
            try FileSystem.writeAtomically(Array(text.utf8), to: path)
        } catch {
            throw PlanBuildError(.configurationInvalid, "cannot write \(path): \(error.reason)")
        }
    }

    // MARK: Accepted warnings

    /// The patterns under `{system}.acceptable_warnings`, a list or an object of category → list.
    public func acceptableWarnings(system: String) throws(PlanBuildError) -> [String] {
        WarningPatterns.flatten(try load()[system]?["acceptable_warnings"])
    }
}
