import PlanBuildSupport
import PlanBuildCache
import PlanBuildOrchestration

/// A progress event from the server back into the typed event (the inverse of
/// `ProgressEvent.json`), so that a client draws, exports and hands it to a callback exactly as an
/// event of a run in its own process. Checked member by member like any message.
extension ProgressEvent {
    public init(json object: JSONObject) throws(ProtocolError) {
        let members = Members(object: object)
        let seconds = 0.0...1e12
        func identity() throws(ProtocolError) -> BuildIdentity {
            BuildIdentity(module: try members.string("module", maximumBytes: 64 << 10),
                          command: try members.string("command", maximumBytes: 64 << 10),
                          index: try members.int("index", range: 0...10_000_000))
        }
        func count(_ key: String) throws(ProtocolError) -> Int { try members.int(key, range: 0...1_000_000_000) }
        func status<S: RawRepresentable>(_ key: String) throws(ProtocolError) -> S where S.RawValue == String {
            try members.enumValue(key)
        }
        switch try members.string("event", maximumBytes: 32) {
        case "run_started":
            guard let modules = try members.optionalArray("modules") else {
                throw ProtocolError(.invalidMessage, "\"modules\" is required (an array)")
            }
            var names: [String] = []
            for module in modules {
                guard let name = module.stringValue else { throw ProtocolError(.invalidMessage, "\"modules\" must hold strings") }
                names.append(name)
            }
            self = .runStarted(command: try members.string("command", maximumBytes: 64 << 10), total: try count("total"),
                               jobs: try members.optionalInt("jobs", range: 0...Int.max), modules: names)
        case "build_started":
            self = .buildStarted(try identity(), elapsedSeconds: try members.optionalNumber("elapsed_seconds", range: seconds) ?? 0,
                                 expectedSeconds: try members.optionalNumber("expected_seconds", range: seconds))
        case "build_finished":
            let miss: CacheMiss.Reason? = members.present("cache_miss") == nil ? nil : try status("cache_miss")
            self = .buildFinished(try identity(), BuildOutcome(
                status: try status("status"), durationSeconds: try count("duration_seconds"),
                durationMilliseconds: try members.int("duration_ms", range: 0...Int(Int32.max) * 1000),
                errors: try count("errors"), warnings: try count("warnings"),
                logFile: try members.optionalString("log_file", maximumBytes: 64 << 10),
                timeSavedSeconds: try members.optionalInt("time_saved_seconds", range: 0...1_000_000_000), cacheMiss: miss,
                firstError: try members.optionalString("first_error", maximumBytes: 1 << 20)))
        case "build_skipped":
            self = .buildSkipped(try identity(), status: try status("status"),
                                 reason: try members.optionalString("reason", maximumBytes: 1 << 20))
        case "progress":
            self = .progress(ProgressSummary(total: try count("total"), completed: try count("completed"), failed: try count("failed"),
                                             running: try count("running"), pending: try count("pending"),
                                             percent: try members.optionalNumber("percent", range: 0...100) ?? 0,
                                             elapsedSeconds: try members.optionalNumber("elapsed_seconds", range: seconds) ?? 0,
                                             etaSeconds: try members.optionalNumber("eta_seconds", range: seconds)))
        case "run_finished":
            self = .runFinished(status: try status("status"), durationSeconds: try count("duration_seconds"), total: try count("total"))
        case let other:
            throw ProtocolError(.invalidMessage, "unknown event '\(other)'")
        }
    }
}
