import PlanBuildSupport
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildCache
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildScripts
import PlanBuildServer

/// The C progress callback of pb_run (pb_progress_fn, include/planbuild.h): each progress event as
/// JSON text (or a display line) and the caller's context pointer.
public typealias ProgressCallback = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void

/// A C callback and its context, handed to the thread that runs a started job.
struct ProgressSink: @unchecked Sendable {
    let callback: ProgressCallback?
    let context: UnsafeMutableRawPointer?

    /// Hands `event` to the callback in the form it asked for (in process and through the server alike).
    func deliver(_ event: ProgressEvent, as form: ProgressForm, handle: Int64) {
        guard let callback else { return }
        // Each event is encoded here, once; the handle rides on run_started (ProgressEvent.json).
        let text: String?
        switch form {
        case .events: text = event.jsonText(handle: Int(handle))
        case .lines: text = event.line
        }
        text?.withCString { callback($0, context) }
    }
}

/// What pb_run's callback receives: each event's JSON (docs/events.md), or its display line
/// (`ProgressEvent.line`; events without one are not delivered) for a caller that only prints them.
enum ProgressForm: String {
    case events, lines
}

enum OrchestrationHandlers {
    /// Decodes a pb_run request, runs it under `handle` and encodes the report. `served`: a run
    /// the build server runs for a client (its events go to the job); otherwise `execution_mode`
    /// decides whether the build server runs it.
    static func run(_ request: Request, handle: Int64, waiting: Waiting, progress: ProgressSink,
                    served: ServedJob? = nil) throws(PlanBuildError) -> JSONValue {
        if served == nil, let connection = try ExecutionMode.chosen(try request.optionalString("execution_mode")).connection() {
            return try ServedHandlers.run(request, handle: handle, on: connection, waiting: waiting, progress: progress)
        }
        // A dry run only reads; through the build server it decides with the server's warm file
        // watcher (no file read or stat'ed that did not change), as the real run would.
        if try request.optionalBool("dry_run") ?? false { return try dryRun(request, served: served) }
        let token = served?.cancellation ?? waiting.token ?? CancellationToken()
        let command = try request.string("command")
        var options = try self.options(request)
        if let served {
            options.environment = served.context.buildEnvironment
            options.cache.environment = served.context.environment
            options.fileMask = served.context.fileMask
            options.gate = served.gate
        }
        let format: ResultFormatter.Format? = try request.enumValue("format")
        let form: ProgressForm = try request.enumValue("progress") ?? .events
        let layout = try request.layout()
        let exports = try RunExports(RunExportPaths(events: try request.optionalString("events"),
                                                    trace: try request.optionalString("trace"),
                                                    junit: try request.optionalString("junit"),
                                                    sarif: try request.optionalString("sarif")),
                                     projectRoot: layout.projectDir)

        let report = try Orchestrator.run(command: command, options: options, layout: layout, cancellation: token) { event in
            exports.observe(event, handle: Int(handle))
            served?.progress(event)
            progress.deliver(event, as: form, handle: handle)
        }
        try exports.finish(report)
        let json = report.json
        var reply = json
        reply["handle"] = .int(Int(handle))
        if let format {
            let text = report.text(format, json: json)
            // A caller that only prints the report (the CLI through the build server) takes the
            // text alone: the report is not encoded, journaled, sent and decoded a second time.
            if try request.optionalBool("text_only") ?? false {
                return .object(JSONObject([("status", json["status"] ?? .null), ("handle", .int(Int(handle))), ("text", .string(text))]))
            }
            reply["text"] = .string(text)
        }
        return .object(reply)
    }

    /// `"dry_run": true`: the run's decisions (DryRunReport) without running anything.
    static func dryRun(_ request: Request, served: ServedJob? = nil) throws(PlanBuildError) -> JSONValue {
        var options = try options(request)
        // The client's environment decides what it would for the real run (a remote cache's token).
        if let served { options.cache.environment = served.context.environment }
        let report = try Orchestrator.dryRun(command: try request.string("command"), options: options,
                                             layout: try request.layout())
        // Every reply starts with its status.
        var reply = JSONObject([("status", .string("success"))] + report.json.entries.map { ($0.key, $0.value) })
        if let format: ResultFormatter.Format = try request.enumValue("format") { reply["text"] = .string(report.text(format)) }
        return .object(reply)
    }

    /// The run's options from pb_run's members.
    private static func options(_ request: Request) throws(PlanBuildError) -> OrchestrationOptions {
        // A build script's `run` in the plan runs in this process, read as the script would read it.
        var options = OrchestrationOptions(scripts: BuildScriptRuns())
        options.modules = try request.stringList("modules")
        options.jobs = try request.optionalInt("jobs", range: 0...100_000)
        if let sequential = try request.optionalBool("sequential") { options.sequential = sequential }
        if let stop = try request.optionalBool("stop_on_failure") { options.stopOnFailure = stop }
        options.timeoutSeconds = try request.optionalTimeout("timeout")
        if let mode: WarningMode = try request.enumValue("mode") { options.mode = mode }
        if let learn = try request.optionalBool("learn") { options.learnTimeouts = learn }
        options.cache = IncrementalRun.Request(disabled: !(try request.optionalBool("cache") ?? true),
                                               forced: Set(try request.stringList("force") ?? []),
                                               remoteURL: try request.optionalString("remote_cache"),
                                               remoteWrite: try request.optionalBool("remote_cache_write") ?? false)
        options.remoteExecutionURL = try request.optionalString("remote_execution")
        options.remoteInstance = try request.optionalString("remote_instance")
        options.affected = try AffectedRequest.from(affected: try request.optionalBool("affected") ?? false,
                                                    base: try request.optionalString("base"), head: try request.optionalString("head"))
        return options
    }
}
