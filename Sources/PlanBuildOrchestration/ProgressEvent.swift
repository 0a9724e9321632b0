import PlanBuildCache

/// What an orchestrated run reports while it runs: build started/finished, counts, percentage,
/// elapsed, estimated remaining. The orchestrator emits
/// these typed values; consumers in the same process (the CLI's display) read them as they are,
/// and the ABI encodes each one to JSON exactly once (`ProgressEvent.json`, docs/events.md).
public enum ProgressEvent: Equatable, Sendable {
    /// The first event: what will run. `jobs` nil: no concurrency limit.
    case runStarted(command: String, total: Int, jobs: Int?, modules: [String])
    /// `expectedSeconds`: the duration learned for this build (run-configuration.json), if any.
    case buildStarted(BuildIdentity, elapsedSeconds: Double, expectedSeconds: Double? = nil)
    case buildFinished(BuildIdentity, BuildOutcome)
    /// A build that never starts (a failed dependency, stop on failure); `reason` says why.
    case buildSkipped(BuildIdentity, status: BuildReport.Status, reason: String?)
    /// Follows every batch of the events above.
    case progress(ProgressSummary)
    /// The last event.
    case runFinished(status: RunReport.Status, durationSeconds: Int, total: Int)

    /// Which build an event is about: its position in the run's plan (derived-data.json order).
    public struct BuildIdentity: Equatable, Sendable {
        public let module: String
        public let command: String
        public let index: Int

        public init(module: String, command: String, index: Int) {
            self.module = module
            self.command = command
            self.index = index
        }
    }

    /// How a build ended, as far as the progress display needs it (the report has the rest).
    public struct BuildOutcome: Equatable, Sendable {
        public let status: BuildReport.Status
        public let durationSeconds: Int
        public let durationMilliseconds: Int
        public let errors: Int
        public let warnings: Int
        public let logFile: String?
        /// A cache hit: the recorded duration it saved.
        public let timeSavedSeconds: Int?
        /// A build that ran although the cache was on: why it was not a hit.
        public let cacheMiss: CacheMiss.Reason?
        /// A failed build: its first error as `file:line: message` (or why it failed, when the log
        /// had no error), for the display line under the build's line.
        public let firstError: String?

        public init(status: BuildReport.Status, durationSeconds: Int, durationMilliseconds: Int, errors: Int,
                    warnings: Int, logFile: String?, timeSavedSeconds: Int? = nil, cacheMiss: CacheMiss.Reason? = nil,
                    firstError: String? = nil) {
            self.firstError = firstError
            self.timeSavedSeconds = timeSavedSeconds
            self.cacheMiss = cacheMiss
            self.status = status
            self.durationSeconds = durationSeconds
            self.durationMilliseconds = durationMilliseconds
            self.errors = errors
            self.warnings = warnings
            self.logFile = logFile
        }
    }

    /// Counts of the whole run. `percent` has one decimal; `etaSeconds` is nil until it can be
    /// estimated (no learned durations and no finished build yet).
    public struct ProgressSummary: Equatable, Sendable {
        public let total: Int
        public let completed: Int
        public let failed: Int
        public let running: Int
        public let pending: Int
        public let percent: Double
        public let elapsedSeconds: Double
        public let etaSeconds: Double?

        public init(total: Int, completed: Int, failed: Int, running: Int, pending: Int, percent: Double,
                    elapsedSeconds: Double, etaSeconds: Double?) {
            self.total = total
            self.completed = completed
            self.failed = failed
            self.running = running
            self.pending = pending
            self.percent = percent
            self.elapsedSeconds = elapsedSeconds
            self.etaSeconds = etaSeconds
        }
    }

    /// The `"event"` member of the JSON form.
    public var name: String {
        switch self {
        case .runStarted: return "run_started"
        case .buildStarted: return "build_started"
        case .buildFinished: return "build_finished"
        case .buildSkipped: return "build_skipped"
        case .progress: return "progress"
        case .runFinished: return "run_finished"
        }
    }
}
