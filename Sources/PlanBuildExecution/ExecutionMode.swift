import PlanBuildSupport

/// Where a build or run executes — the one rule every entry point follows (the CLI's
/// `--execution-mode`, the scripts' `run --execution-mode`, pb_execute/pb_run's `execution_mode`,
/// the Python shims' keyword):
/// - `in_process`: in the caller's process, as PlanBuild always did;
/// - `server`: in the user's build server, started when none runs;
/// - `auto` (default): in the build server when one runs, else in process.
/// Without an explicit mode, `PLANBUILD_EXECUTION_MODE` is read. Inside a build that the server
/// runs (`PLANBUILD_SERVER_BUILD` set) it is always in process: a nested build would wait for a
/// slot that its own parent holds. Reaching the server is PlanBuildServer's (`connection()`).
public enum ExecutionMode: String, Sendable, CaseIterable {
    case inProcess = "in_process"
    case server
    case auto

    public static let environmentVariable = "PLANBUILD_EXECUTION_MODE"
    public static let serverBuildVariable = "PLANBUILD_SERVER_BUILD"

    /// The mode asked for: `requested` (an option or request member), else the environment's,
    /// else `auto`. An unknown name is an `invalid_request`.
    public static func chosen(_ requested: String?, environment lookup: (String) -> String? = FileSystem.environment) throws(PlanBuildError) -> ExecutionMode {
        if lookup(serverBuildVariable) != nil { return .inProcess }
        guard let name = requested ?? lookup(environmentVariable).flatMap({ $0.isEmpty ? nil : $0 }) else { return .auto }
        guard let mode = ExecutionMode(rawValue: name) else {
            throw PlanBuildError(.invalidRequest,
                                 "\"execution_mode\" has an unknown value '\(name)'; known: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return mode
    }
}
