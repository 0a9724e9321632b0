import PlanBuildSupport
import PlanBuildExecution
import PlanBuildOrchestration

/// What runs a job's request in the server process: the library's own handlers (the same code
/// as pb_execute and pb_run in process, so the result is the one the caller would get there).
/// The CLI, which hosts the server, provides it.
public protocol JobRunner: Sendable {
    /// The reply pb_execute (`build`) or pb_run (`orchestration`) gives for `job.request`.
    func run(_ job: ServedJob) -> JSONObject
}

/// A job as the runner gets it.
public struct ServedJob: Sendable {
    public let id: String
    public let kind: JobKind
    /// The request, its paths made absolute from the client's working directory.
    public let request: JSONObject
    /// The environment and umask every build of the job gets.
    public let context: ClientContext
    /// Machine-wide slots and shared identical builds.
    public let gate: any BuildGate
    public let cancellation: CancellationToken
    /// Each progress event of an orchestration, as it happens.
    public let progress: @Sendable (ProgressEvent) -> Void
}

extension ClientContext {
    /// The environment a build of the server gets: the client's, plus the mark that tells a
    /// PlanBuild client inside the build to run in process (a build waiting for a slot that its
    /// own build holds would never start).
    public var buildEnvironment: [String] {
        ProcessEnvironment.overlaid([(ExecutionMode.serverBuildVariable, "1")], on: environment)
    }
}
