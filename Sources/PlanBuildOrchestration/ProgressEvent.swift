import PlanBuildModel
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
        /// The tool's test counts, when its log or reports gave them (a green build's too).
        public let tests: TestSummary?
        /// Why the build ran rather than being taken from the cache, for a person
        /// (`2 files changed in core`, `dependency core changed`; CacheMiss.because).
        public let ranBecause: String?
        /// A build that timed out: the limit it had, in seconds.
        public let timeoutSeconds: Int?

        public init(status: BuildReport.Status, durationSeconds: Int, durationMilliseconds: Int, errors: Int,
                    warnings: Int, logFile: String?, timeSavedSeconds: Int? = nil, cacheMiss: CacheMiss.Reason? = nil,
                    firstError: String? = nil, tests: TestSummary? = nil, ranBecause: String? = nil, timeoutSeconds: Int? = nil) {
            self.firstError = firstError
            self.tests = tests
            self.ranBecause = ranBecause
            self.timeoutSeconds = timeoutSeconds
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

    /// Counts of the whole run. `percent` has one decimal; `etaSeconds` is nil while it cannot be
    /// estimated (RemainingTime.estimate), when nothing is left and after a cancellation.
    public struct ProgressSummary: Equatable, Sendable {
        public let total: Int
        public let completed: Int
        public let failed: Int
        public let running: Int
        public let pending: Int
        public let percent: Double
        public let elapsedSeconds: Double
        public let etaSeconds: Double?
        /// Builds cancelled so far (stopped while running, or never started).
        public let cancelled: Int

        public init(total: Int, completed: Int, failed: Int, running: Int, pending: Int, percent: Double,
                    elapsedSeconds: Double, etaSeconds: Double?, cancelled: Int = 0) {
            self.cancelled = cancelled
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
