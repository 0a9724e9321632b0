import PlanBuildSupport
import PlanBuildOrchestration

/// The one-line text of a progress event: what orchestrate.py prints on standard error (pb_run's
/// "progress": "lines") and what `planbuild orchestrate` prints for each event. Values are escaped
/// by `OneLine`, so a module name or a reason never adds a line.
extension ProgressEvent {
    /// nil for the events that have no line of their own (`run_started`, `run_finished`).
    public var line: String? {
        switch self {
        case .runStarted, .runFinished:
            return nil
        case let .buildStarted(build, _, _):
            return "started  \(OneLine.escape(build.module))"
        case let .buildFinished(build, outcome):
            // The status in a column of nine, and at least one space after it ("cancelled").
            let status = outcome.status.rawValue
            let column = status + String(repeating: " ", count: max(1, 9 - status.count))
            if outcome.status == .cached {
                return "\(column)\(OneLine.escape(build.module))  saved \(outcome.timeSavedSeconds ?? 0)s"
            }
            // Why the cache could not serve a build it had seen before, in a word (`planbuild cache
            // explain` says more); a first build (no record) says nothing, or every line would.
            let miss = outcome.cacheMiss.flatMap { $0 == .noRecord ? nil : "  (\($0.word))" } ?? ""
            return "\(column)\(OneLine.escape(build.module))  \(outcome.durationSeconds)s  errors \(outcome.errors)\(miss)"
        case let .buildSkipped(build, _, reason):
            return "skipped  \(OneLine.escape(build.module))  \(OneLine.escape(reason ?? ""))"
        case let .progress(summary):
            let eta = summary.etaSeconds.map { "  about \(Int($0.rounded()))s left" } ?? ""
            return "[\(summary.completed)/\(summary.total)] \(summary.percent)%  running \(summary.running)"
                + "  failed \(summary.failed)\(eta)"
        }
    }
}
