import PlanBuildSupport

/// Why a build was not taken from the cache, as a report row's `cache_miss` and
/// `planbuild cache explain` say it (the question Bazel's explain and Turborepo's summary answer).
public struct CacheMiss: Equatable, Sendable {
    public enum Reason: String, Sendable, CaseIterable {
        case noRecord = "no_record"
        case inputsChanged = "inputs_changed"
        case dependencyChanged = "dependency_changed"
        case globalInputChanged = "global_input_changed"
        case commandChanged = "command_changed"
        case artifactMissing = "artifact_missing"
        case expired
        case forced
        case disabled

        /// The word the live display shows.
        public var word: String {
            switch self {
            case .noRecord: return "new"
            case .inputsChanged: return "changed"
            case .dependencyChanged: return "dependency"
            case .globalInputChanged: return "global"
            case .commandChanged: return "command"
            case .artifactMissing: return "artifact"
            case .expired: return "expired"
            case .forced: return "forced"
            case .disabled: return "no-cache"
            }
        }
    }

    /// At most this many paths of each kind are listed; the counts say how many there were.
    public static let maximumListed = 20

    public let reason: Reason
    public var changes = InputManifest.Changes()
    /// dependency_changed: the internal modules whose inputs changed; artifact_missing: the artifacts.
    public var subjects: [String] = []

    public init(_ reason: Reason, changes: InputManifest.Changes = InputManifest.Changes(), subjects: [String] = []) {
        self.reason = reason
        self.changes = changes
        self.subjects = subjects
    }

    public var json: JSONObject {
        func list(_ paths: [String]) -> JSONValue { .array(paths.prefix(Self.maximumListed).map(JSONValue.string)) }
        var object = JSONObject([
            ("reason", .string(reason.rawValue)),
            ("added", list(changes.added)), ("modified", list(changes.modified)), ("deleted", list(changes.deleted)),
            ("added_count", .int(changes.added.count)), ("modified_count", .int(changes.modified.count)),
            ("deleted_count", .int(changes.deleted.count)),
        ])
        if !subjects.isEmpty {
            object[reason == .dependencyChanged ? "dependencies" : "artifacts"] = .array(subjects.map(JSONValue.string))
        }
        return object
    }
}
