import PlanBuildSupport
import PlanBuildOrchestration

/// One line of an `--events` stream (JSON Lines, docs/events.md): the event's JSON exactly as the C
/// callback receives it, with `monotonic_ms` — milliseconds since the run started on the monotonic
/// clock — as its last member, so a dashboard can order and time events without trusting wall time.
extension ProgressEvent {
    public func jsonLine(monotonicMilliseconds: Int, handle: Int? = nil, run: Int? = nil) -> String {
        var object = json(handle: handle)
        object["monotonic_ms"] = .int(monotonicMilliseconds)
        if let run { object["run"] = .int(run) }
        return JSONWriter.writeCompact(.object(object)) + "\n"
    }
}
