import PlanBuildSupport
import PlanBuildExecution

extension ExecutionMode {
    /// A connection to the server that should run the build, or nil to run it in process.
    /// `server` starts one when none runs, and fails (`server_unavailable`) when it cannot; `auto`
    /// uses a running server it can trust and otherwise runs in process.
    public func connection(_ directory: RuntimeDirectory = .resolve()) throws(PlanBuildError) -> ServerConnection? {
        switch self {
        case .inProcess: return nil
        case .auto: return try? ServerConnection.open(directory)
        case .server: return try ServerConnection.openOrStart(directory)
        }
    }
}
