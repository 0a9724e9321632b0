import PlanBuildSupport
import PlanBuildExecution
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildScripts
import PlanBuildServer

/// pb_execute and pb_run when the build server runs them (execution mode `server`, or `auto`
/// with a server running): the request goes to the server as it is, with this process's
/// environment, working directory and umask; the reply is the one the server's run gives — the
/// same as in process — plus "job". Events come back typed, so the callback, its "lines" form and
/// `"events": "-"` work as in process.
enum ServedHandlers {
    static func execute(_ request: Request, on connection: ServerConnection, waiting: Waiting) throws(PlanBuildError) -> JSONValue {
        switch try ServedCall.run(.build, request: request.object, on: connection, interruption: { waiting.interruption }) {
        case .finished(let result): return .object(result)
        case .detached(let job): return detached(job)
        }
    }

    static func run(_ request: Request, handle: Int64, on connection: ServerConnection, waiting: Waiting,
                    progress: ProgressSink) throws(PlanBuildError) -> JSONValue {
        let form: ProgressForm = try request.enumValue("progress") ?? .events
        // "-" is this process's standard error: written here, from the events.
        let exports = try request.optionalString("events") == "-"
            ? try RunExports(RunExportPaths(events: "-"), projectRoot: try request.layout().projectDir) : nil
        let outcome = try ServedCall.run(.orchestration, request: request.object, on: connection, onEvent: { json in
            guard let event = try? ProgressEvent(json: json) else { return }
            exports?.observe(event, handle: Int(handle))
            progress.deliver(event, as: form, handle: handle)
        }, interruption: { waiting.interruption })
        switch outcome {
        case .finished(var reply):
            // The server's own number means nothing here: the caller's handle, as in process.
            if reply["handle"] != nil { reply["handle"] = .int(Int(handle)) }
            return .object(reply)
        case .detached(let job):
            return detached(job)
        }
    }

    /// Where a script's `run` sends its build when its execution mode picks the build server: the
    /// same request pb_execute would send (ExecuteRequest). A reply that is no build result (the
    /// wait given up, a refusal) is the error it names.
    static func scriptRoute(waiting: Waiting) -> ServedBuildRoute {
        { build, exports, mode throws(PlanBuildError) -> JSONObject? in
            guard let connection = try ExecutionMode.chosen(mode).connection() else { return nil }
            let request = try Request(.object(ExecuteRequest.members(build, exports: exports)))
            guard let reply = try execute(request, on: connection, waiting: waiting).objectValue else {
                throw PlanBuildError(.internal, "the build server's reply is not an object")
            }
            if let failure = ExecuteRequest.failure(of: reply) { throw failure }
            return reply
        }
    }

    /// The reply of a wait given up with pb_detach: the job goes on in the server.
    private static func detached(_ job: String) -> JSONValue {
        .object(JSONObject([("status", "error"), ("error", .string(PlanBuildError.Code.detached.rawValue)),
                            ("message", .string("stopped waiting; the build goes on in the build server as job \(job) (planbuild server result \(job))")),
                            ("job", .string(job))]))
    }
}
