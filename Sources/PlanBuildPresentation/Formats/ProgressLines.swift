import PlanBuildSupport
import PlanBuildOrchestration

/// The one-line text of a progress event: what orchestrate.py prints on standard error (pb_run's
/// "progress": "lines") and what `planbuild orchestrate` prints for each event in CI and plain
/// mode. Values are escaped by `OneLine`, so a module name or a reason never adds a line. A failed
/// build's line carries its first error and a timeout its limit, so a CI log read from its end says
/// what broke; the last line says how long the whole run took.
extension ProgressEvent {
    /// nil for the event that has no line of its own (`run_started`).
    public var line: String? {
        switch self {
        case .runStarted:
            return nil
        case let .runFinished(status, durationSeconds, total):
            return "finished \(status.rawValue)  \(total) build\(total == 1 ? "" : "s")  total time \(durationSeconds)s"
        case let .buildStarted(build, _, _):
            return "started  \(OneLine.escape(build.module))"
        case let .buildFinished(build, outcome):
            // The status in a column of nine, and at least one space after it ("cancelled").
            let status = outcome.status.rawValue
            let column = status + String(repeating: " ", count: max(1, 9 - status.count))
            if outcome.status == .cached {
                return "\(column)\(OneLine.escape(build.module))  saved \(outcome.timeSavedSeconds ?? 0)s"
            }
            var line = "\(column)\(OneLine.escape(build.module))  \(outcome.durationSeconds)s  errors \(outcome.errors)"
            if outcome.warnings > 0 { line += "  warnings \(outcome.warnings)" }
            if let tests = outcome.tests { line += "  tests \(tests.passed)/\(tests.total) passed" }
            if let limit = outcome.timeoutSeconds { line += "  " + Self.timeoutNote(limit) }
            // Why it ran; an event without the sentence (an older server's) says the miss in a word.
            if let because = outcome.ranBecause ?? outcome.cacheMiss.flatMap({ $0 == .noRecord ? nil : $0.word }) {
                line += "  (\(OneLine.escape(because)))"
            }
            if let first = outcome.firstError { line += "  first error: \(OneLine.escape(first))" }
            return line
        case let .buildSkipped(build, status, reason):
            let word = status == .cancelled ? "cancelled" : "skipped"
            let column = word + String(repeating: " ", count: max(1, 9 - word.count))
            return "\(column)\(OneLine.escape(build.module))  \(OneLine.escape(reason ?? ""))"
        case let .progress(summary):
            let eta = summary.etaSeconds.map { "  about \(Int($0.rounded()))s left" } ?? ""
            // Cancelled builds are not done: after a cancel the line has no percentage to reach 100.
            if summary.cancelled > 0 {
                return "[\(summary.completed - summary.cancelled)/\(summary.total)]  running \(summary.running)"
                    + "  failed \(summary.failed)  cancelled \(summary.cancelled)"
            }
            return "[\(summary.completed)/\(summary.total)] \(summary.percent)%  running \(summary.running)"
                + "  failed \(summary.failed)\(eta)"
        }
    }

    /// What a timeout's line adds: the limit it had and how to give it another.
    public static func timeoutNote(_ seconds: Int) -> String {
        "limit \(seconds)s: --timeout N, or `planbuild timeout set` for the learned one"
    }
}
