import PlanBuildSupport

/// A build or run through the build server, from the client's side: submit, follow its events,
/// and take its result — or cancel it, or stop waiting and leave it running.
public enum ServedCall {
    /// What the caller asks while it waits.
    public enum Interruption: Sendable {
        /// Cancel the job (Ctrl-C): the server ends its builds unless another job waits for them,
        /// and the cancelled result still comes.
        case cancel
        /// Stop waiting (SIGTERM, a closed pipe): the job goes on and keeps its result.
        case detach
    }

    public enum Outcome: Sendable {
        /// The reply pb_execute or pb_run gives in process, plus "job".
        case finished(JSONObject)
        case detached(job: String)
    }

    /// Submits `request` with this process's context and follows the job to its end.
    /// `onEvent` gets each progress event (JSON as docs/events.md, without "handle");
    /// `interruption` is asked every 100 ms.
    public static func run(_ kind: JobKind, request: JSONObject, on connection: ServerConnection,
                           context: ClientContext = .current(), onSubmitted: (String) -> Void = { _ in },
                           onEvent: (JSONObject) -> Void = { _ in },
                           interruption: () -> Interruption? = { nil }) throws(PlanBuildError) -> Outcome {
        var submission = request
        // The execution mode was the client's decision; "-" (the caller's standard error) is
        // written by the caller from the events.
        submission["execution_mode"] = nil
        if submission["events"] == "-" { submission["events"] = nil }
        let job: String
        switch try connection.request(.submit(Submission(kind: kind, request: submission, context: context))) {
        case .submitted(let id, _): job = id
        case .error(let error): throw PlanBuildError(.serverUnavailable, "the build server refused the job: \(error.message)")
        default: throw PlanBuildError(.serverUnavailable, "the build server answered the submission with something else")
        }
        onSubmitted(job)
        return try follow(job, on: connection, onEvent: onEvent, interruption: interruption)
    }

    /// Attaches to `job` and waits for its result.
    public static func follow(_ job: String, on connection: ServerConnection, onEvent: (JSONObject) -> Void = { _ in },
                              interruption: () -> Interruption? = { nil }) throws(PlanBuildError) -> Outcome {
        let attach = try connection.send(.attach(job: job))
        var cancelSent = false
        while true {
            if !cancelSent, let asked = interruption() {
                switch asked {
                case .detach: return .detached(job: job)
                case .cancel:
                    try connection.send(.cancel(job: job))
                    cancelSent = true
                }
            }
            let message: ServerMessage?
            do {
                message = try connection.receive(milliseconds: 100)
            } catch {
                throw PlanBuildError(.serverUnavailable,
                                     "\(error.message) while job \(job) ran; `planbuild server result \(job)` tells what became of it")
            }
            guard let message else { continue }
            switch message.reply {
            case .event(let id, let event) where id == job: onEvent(event)
            case .result(let id, let result) where id == job: return .finished(result)
            case .error(let error) where message.sequence == attach:
                throw PlanBuildError(.serverUnavailable, "the build server cannot follow job \(job): \(error.message)")
            default: continue
            }
        }
    }
}
