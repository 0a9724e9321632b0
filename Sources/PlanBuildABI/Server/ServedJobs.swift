import PlanBuildSupport
import PlanBuildServer

/// The build server's runner: a job's request goes through the same handlers as pb_execute and
/// pb_run in process, with the client's environment and umask and the server's gate, so the
/// result is the one the caller would have got in its own process.
public struct ServedJobs: JobRunner {
    public init() {}

    public func run(_ job: ServedJob) -> JSONObject {
        let reply = Boundary.handle(Result { () throws(PlanBuildError) in try Request(.object(job.request)) }) { (request: Request) throws(PlanBuildError) -> JSONValue in
            switch job.kind {
            case .build:
                return try SingleBuildHandlers.execute(request, served: job)
            case .orchestration:
                return try OrchestrationHandlers.run(request, handle: 0, waiting: .uninterrupted,
                                                     progress: ProgressSink(callback: nil, context: nil), served: job)
            }
        }
        return reply.objectValue ?? JSONObject([("status", "error"), ("error", "internal"), ("message", "the job gave no reply object")])
    }
}
