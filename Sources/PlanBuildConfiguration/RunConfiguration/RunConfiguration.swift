import PlanBuildSupport
import PlanBuildModel

/// `.plan/run-configuration.json`: learned timeouts and accepted warnings.
///
/// Every change is one locked read-modify-write of a LockedJSONFile, so concurrent processes
/// and threads lose no update, readers never see a partial file, and every key PlanBuild does
/// not own is written back as it was.
public struct RunConfiguration: Sendable {
    public let layout: ProjectLayout
    public let file: LockedJSONFile

    public init(layout: ProjectLayout) {
        self.layout = layout
        self.file = LockedJSONFile(path: layout.runConfigurationPath, errorCode: .configurationInvalid)
    }

    public var path: String { file.path }

    /// The whole document; an empty one when the file does not exist.
    public func load() throws(PlanBuildError) -> JSONObject {
        try file.read() ?? JSONObject()
    }

    public func policy() throws(PlanBuildError) -> TimeoutPolicy {
        TimeoutPolicy(json: try load()["timeout_policy"])
    }

    /// The value learned under `key`: a whole number of seconds, at least 1 (anything else counts
    /// as nothing learned) and a year at most (TimeoutLimits: more is a year).
    public func learnedTimeout(_ key: String, in document: JSONObject) -> Int? {
        Self.learnedTimeout(document["commands"]?[key])
    }

    static func learnedTimeout(_ entry: JSONValue?) -> Int? {
        entry?["timeout_seconds"]?.intValue(in: 1...Int.max).map { min($0, TimeoutLimits.maximumSeconds) }
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

        /// The lines `timeout set` of the run_config script prints, each ending in a newline.
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

    /// Learns from a finished build: the weighted update that leans to the larger of the learned
    /// value and the new duration (TimeoutPolicy.learnedValue).
    @discardableResult
    public func recordDuration(_ duration: Int, for key: String) throws(PlanBuildError) -> TimeoutUpdate {
        let duration = max(1, try TimeoutLimits.checkedDuration(duration))
        return try update(key) { previous, policy in policy.learnedValue(existing: previous, newDuration: duration) }
    }

    /// A build that timed out learns the timeout it was given, so the next run gets
    /// `timeout × margin` instead of timing out again forever.
    @discardableResult
    public func recordTimeout(_ timeoutUsed: Int, for key: String) throws(PlanBuildError) -> TimeoutUpdate {
        try update(key) { _, policy in policy.learnedValueAfterTimeout(timeoutUsed) }
    }

    private func update(_ key: String, _ compute: (Int?, TimeoutPolicy) -> Int) throws(PlanBuildError) -> TimeoutUpdate {
        var outcome = TimeoutUpdate(seconds: 0, previous: nil)
        try modify { document throws(PlanBuildError) in
            let hadVersion = document["version"] != nil
            if !hadVersion { document["version"] = 1 }
            var commands = JSONObject()
            if let existing = document["commands"] {
                guard let object = existing.objectValue else {
                    throw PlanBuildError(.configurationInvalid, "\(path): \"commands\" must be an object: fix it (PlanBuild does not overwrite it)")
                }
                commands = object
            }
            var entry = commands[key]?.objectValue ?? JSONObject()
            let previous = Self.learnedTimeout(.object(entry))
            let seconds = compute(previous, TimeoutPolicy(json: document["timeout_policy"]))
            outcome = TimeoutUpdate(seconds: seconds, previous: previous)
            // A value that stays as it is written is not written again: the rewrite would give the
            // same bytes, and a file created and renamed for each build is a cost every build paid.
            if hadVersion, entry["timeout_seconds"] == .int(seconds) { return false }
            entry["timeout_seconds"] = .int(seconds)
            commands[key] = .object(entry)
            document["commands"] = .object(commands)
            return true
        }
        return outcome
    }

    /// Runs `change` on the current document under the lock and writes the result when it
    /// returns true; when `change` throws, the file stays as it was.
    public func modify(_ change: (inout JSONObject) throws(PlanBuildError) -> Bool) throws(PlanBuildError) {
        try file.modify(change)
    }

    // MARK: Accepted warnings

    /// The patterns under `{system}.acceptable_warnings`, a list or an object of category → list.
    public func acceptableWarnings(system: String) throws(PlanBuildError) -> [String] {
        WarningPatterns.flatten(try load()[system]?["acceptable_warnings"])
    }
}
