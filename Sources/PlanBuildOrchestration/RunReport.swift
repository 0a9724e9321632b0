import PlanBuildModel
import PlanBuildCache

/// What happened to one build of an orchestrated run.
public struct BuildReport: Equatable, Sendable {
    public enum Status: String, Sendable { case success, error, timeout, skipped, cancelled, cached, killed }

    public let module: String
    public let command: String
    public var status: Status
    public var durationSeconds: Int = 0
    public var durationMilliseconds: Int = 0
    public var logFile: String?
    public var exitCode: Int?
    public var errors: [Issue] = []
    public var warningCount: Int = 0
    /// The warnings themselves (as the run's warning mode shows them), for the SARIF export;
    /// a cache hit has only their count.
    public var warnings: [Issue] = []
    public var tests: TestSummary?
    /// Each test as the tools' reports name it (empty: no report, e.g. a cache hit).
    public var testCases: [TestCaseResult] = []
    /// Why a build was skipped or could not run.
    public var reason: String?
    /// Milliseconds from the start of the run; nil for builds that never started.
    public var startedAtMilliseconds: Int?
    public var finishedAtMilliseconds: Int?
    /// A cache hit: the recorded duration of the build it stands for.
    public var timeSavedSeconds: Int?
    /// Why a build that ran (or would run) was not taken from the cache.
    public var cacheMiss: CacheMiss?
    /// A cache hit: `local` (this machine's cache) or `remote` (the shared cache, just downloaded).
    public var cacheSource: String?
    /// With remote execution: `remote` (the cluster ran it, or had its result) or `local` (run
    /// here after the cluster could not be used); nil without remote execution.
    public var executed: String?
    /// The cluster's worker that ran it (ExecutedActionMetadata.worker), when it said.
    public var worker: String?
    /// The limit the build ran with, in seconds (a timeout's line says it).
    public var timeoutUsedSeconds: Int?

    public init(module: String, command: String, status: Status) {
        self.module = module
        self.command = command
        self.status = status
    }

    package var ran: Bool { startedAtMilliseconds != nil }
    /// Why a build that ran was not taken from the cache, for a person (nil: it did not run, or
    /// was a hit).
    public var ranBecause: String? {
        guard ran, status != .cached else { return nil }
        return cacheMiss?.because(module: module)
    }
    package var failed: Bool { status == .error || status == .timeout || status == .killed }
    /// What dependents may build on: a success, or a cache hit that stands for one.
    var succeeded: Bool { status == .success || status == .cached }
}

/// The completion report of an orchestrated run: each build's outcome, the counts and the duration.
public struct RunReport: Equatable, Sendable {
    public enum Status: String, Sendable { case success, failure, partial }

    public let command: String
    public var builds: [BuildReport]
    public var durationMilliseconds: Int
    /// Build-cache problems of this run (a corrupt record, a cache that could not be used), once each.
    public var cacheProblems: [String] = []

    public init(command: String, builds: [BuildReport], durationMilliseconds: Int) {
        self.command = command
        self.builds = builds
        self.durationMilliseconds = durationMilliseconds
    }

    /// `success`: every build succeeded (or was a cache hit); `failure`: none did; `partial`: some did.
    public var status: Status {
        let succeeded = builds.filter(\.succeeded).count
        if succeeded == builds.count { return .success }
        return succeeded == 0 ? .failure : .partial
    }

    public var durationSeconds: Int { WholeSeconds.of(milliseconds: durationMilliseconds) }
    public var timeSavedSeconds: Int { builds.reduce(0) { $0 + ($1.timeSavedSeconds ?? 0) } }

    package func count(_ status: BuildReport.Status) -> Int { builds.filter { $0.status == status }.count }

    public struct Statistics: Equatable, Sendable {
        public let averageSeconds: Double
        public let fastest: BuildReport?
        public let slowest: BuildReport?
    }

    /// Over the builds that ran to an end (success, error, timeout).
    public var statistics: Statistics {
        let ran = builds.filter { $0.ran && $0.status != .cancelled && $0.status != .cached }
        guard !ran.isEmpty else { return Statistics(averageSeconds: 0, fastest: nil, slowest: nil) }
        let total = ran.reduce(0) { $0 + $1.durationMilliseconds }
        let average = (Double(total) / Double(ran.count) / 1000 * 10).rounded() / 10
        return Statistics(averageSeconds: average,
                          fastest: ran.min { $0.durationMilliseconds < $1.durationMilliseconds },
                          slowest: ran.max { $0.durationMilliseconds < $1.durationMilliseconds })
    }
}
