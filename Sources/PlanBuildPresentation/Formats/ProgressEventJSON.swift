import PlanBuildSupport
import PlanBuildOrchestration

/// The JSON form of a progress event: what pb_run's C callback receives (docs/events.md). The
/// member order is part of the contract (callers compare event text), so each case lists its
/// members explicitly.
extension ProgressEvent {
    /// `handle`: the run's handle, carried by `run_started` only (the first event, so that a
    /// caller with nothing but the callback can pb_cancel); nil leaves it out.
    public func json(handle: Int? = nil) -> JSONObject {
        switch self {
        case let .runStarted(command, total, jobs, modules):
            var object = JSONObject([("event", .string(name)), ("command", .string(command)), ("total", .int(total)),
                                     ("jobs", jobs.map(JSONValue.int) ?? .null),
                                     ("modules", .array(modules.map(JSONValue.string)))])
            if let handle { object["handle"] = .int(handle) }
            return object
        case let .buildStarted(build, elapsedSeconds, expectedSeconds):
            var members: [(String, JSONValue)] = [("elapsed_seconds", .double(elapsedSeconds))]
            if let expectedSeconds { members.append(("expected_seconds", .double(expectedSeconds))) }
            return identified(build, members)
        case let .buildFinished(build, outcome):
            var members: [(String, JSONValue)] = [
                ("status", .string(outcome.status.rawValue)),
                ("duration_seconds", .int(outcome.durationSeconds)),
                ("duration_ms", .int(outcome.durationMilliseconds)),
                ("errors", .int(outcome.errors)),
                ("warnings", .int(outcome.warnings)),
                ("log_file", outcome.logFile.map(JSONValue.string) ?? .null),
            ]
            if let saved = outcome.timeSavedSeconds { members.append(("time_saved_seconds", .int(saved))) }
            if let miss = outcome.cacheMiss { members.append(("cache_miss", .string(miss.rawValue))) }
            if let first = outcome.firstError { members.append(("first_error", .string(first))) }
            return identified(build, members)
        case let .buildSkipped(build, status, reason):
            return identified(build, [("status", .string(status.rawValue)), ("reason", reason.map(JSONValue.string) ?? .null)])
        case let .progress(summary):
            return JSONObject([
                ("event", .string(name)), ("total", .int(summary.total)), ("completed", .int(summary.completed)),
                ("failed", .int(summary.failed)), ("running", .int(summary.running)), ("pending", .int(summary.pending)),
                ("percent", .double(summary.percent)), ("elapsed_seconds", .double(summary.elapsedSeconds)),
                ("eta_seconds", summary.etaSeconds.map(JSONValue.double) ?? .null),
            ])
        case let .runFinished(status, durationSeconds, total):
            return JSONObject([("event", .string(name)), ("status", .string(status.rawValue)),
                               ("duration_seconds", .int(durationSeconds)), ("total", .int(total))])
        }
    }

    /// The compact JSON text handed to the C callback.
    public func jsonText(handle: Int? = nil) -> String {
        JSONWriter.writeCompact(.object(json(handle: handle)))
    }

    private func identified(_ build: BuildIdentity, _ members: [(String, JSONValue)]) -> JSONObject {
        JSONObject([("event", .string(name)), ("module", .string(build.module)), ("command", .string(build.command)),
                    ("index", .int(build.index))] + members)
    }
}
