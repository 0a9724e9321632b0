import PlanBuildModel
import PlanBuildConfiguration

/// The `incremental` object of run-configuration.json:
/// `{"enabled": false, "max_age_days": 7, "global_inputs": ["globs", …], "runtime_inputs": ["java -version", …], "remote": {…}}`
/// (`remote`: RemoteCacheSettings; `remote_execution`: RemoteExecutionSettings).
/// `enabled` concerns a single `run` only (the drop-in default stays the reference behaviour);
/// orchestration uses the cache unless told `--no-cache`.
public struct IncrementalSettings: Equatable, Sendable {
    public static let defaultMaximumAgeDays = 7
    public static let maximumAgeDaysLimit = 36_500

    public var enabled = false
    public var maximumAgeDays = IncrementalSettings.defaultMaximumAgeDays
    public var globalInputs: [String] = []
    /// The shared cache as the file configures it (orchestrate's options and the environment may override it).
    public var remote: RemoteCacheSettings?
    /// The remote execution cluster as the file configures it (orchestrate's options override it).
    public var remoteExecution: RemoteExecutionSettings?
    /// Commands whose output joins every digest (RuntimeInputs).
    public var runtimeInputs: [String] = []

    public init() {}

    /// Reads the settings; a missing or unreadable file or object gives the defaults, since the
    /// cache is an optimisation that must never stop a build.
    public static func load(_ layout: ProjectLayout) -> IncrementalSettings {
        var settings = IncrementalSettings()
        guard let document = try? RunConfiguration(layout: layout).load(),
              let object = document["incremental"]?.objectValue else { return settings }
        settings.enabled = object["enabled"]?.boolValue ?? false
        // More than a century is a century: the age in seconds (days × 86 400) then always fits.
        if let days = object["max_age_days"]?.intValue(in: 0...Int.max) { settings.maximumAgeDays = min(days, maximumAgeDaysLimit) }
        settings.globalInputs = object["global_inputs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        settings.remote = RemoteCacheSettings.parse(object["remote"]?.objectValue)
        settings.remoteExecution = RemoteExecutionSettings.parse(object["remote_execution"]?.objectValue)
        settings.runtimeInputs = object["runtime_inputs"]?.arrayValue?.compactMap(\.stringValue).filter { !$0.isEmpty } ?? []
        return settings
    }
}
