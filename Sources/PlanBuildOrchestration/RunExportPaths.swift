/// The files a run writes for CI and dashboards besides its report: `events` (JSON
/// Lines of every progress event, written and flushed as each happens; `-` is standard error),
/// `trace` (Chrome trace-event JSON), `junit` (JUnit XML) and `sarif` (SARIF 2.1.0), the last three
/// written when the run ends (RunExports, which writes them, renders above this layer). One home
/// for the CLI (`orchestrate --events …`), pb_run's request members of the same names (and through
/// it run_many), and a build script's `run --junit --sarif`, orchestrated builds' included.
public struct RunExportPaths: Equatable, Sendable {
    public var events: String?
    public var trace: String?
    public var junit: String?
    public var sarif: String?

    public init(events: String? = nil, trace: String? = nil, junit: String? = nil, sarif: String? = nil) {
        self.events = events
        self.trace = trace
        self.junit = junit
        self.sarif = sarif
    }

    public var isEmpty: Bool { events == nil && trace == nil && junit == nil && sarif == nil }
}
