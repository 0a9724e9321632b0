/// Every failure the core reports to a caller: a machine-readable `code` and a `message` for a
/// person. The codes are the `"error"` values of include/planbuild.h (its ERROR CODES list);
/// a result's own `error` field (build_failed, timeout, …) is part of a build result, not this.
public struct PlanBuildError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The request broke its contract: a member missing, of the wrong type or out of range.
        case invalidRequest = "invalid_request"
        case architectureMissing = "architecture_missing"
        case architectureInvalid = "architecture_invalid"
        case unknownModule = "unknown_module"
        case unknownCommand = "unknown_command"
        case noBuilds = "no_builds"
        case dependencyCycle = "dependency_cycle"
        /// run-configuration.json cannot be read, parsed, locked or written.
        case configurationInvalid = "configuration_invalid"
        /// run_config: a warning category outside the known ones.
        case invalidCategory = "invalid_category"
        /// run_config: a value the operation does not accept (a canonical, malformed JSON).
        case invalidValue = "invalid_value"
        case notFound = "not_found"
        case isDirectory = "is_directory"
        case unreadable
        case logFileFailed = "log_file_failed"
        /// The build cache cannot be read or written, or libnettle (its SHA-256) cannot be opened.
        case cacheUnavailable = "cache_unavailable"
        /// An export of a run (--events, --trace, --junit, --sarif) cannot be written.
        case exportFailed = "export_failed"
        /// The build server cannot be reached or started (execution mode `server`), or its folder is unsafe.
        case serverUnavailable = "server_unavailable"
        /// The caller stopped waiting for a build the build server goes on running (its job id says
        /// where to fetch the result).
        case detached
        /// A fault of PlanBuild itself; never the caller's doing.
        case `internal`
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
