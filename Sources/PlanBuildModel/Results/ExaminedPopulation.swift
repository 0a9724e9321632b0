/// What a green build examined, as today's release publishes it beside the result: the analyses
/// its canonical command performs and the number of tests it executed.
///
/// Unknown is not empty. A command outside the canonical vocabulary examined an unknown set of
/// analyses (`analyses` nil), never "none"; a test-bearing command whose log shows no test summary
/// executed an unknown number of tests (`testsRun` nil), never 0. Only a command that runs no
/// tests at all measured 0 without a summary. A count shown is true or absent.
public struct ExaminedPopulation: Equatable, Sendable {
    public enum Analysis: String, CaseIterable, Sendable {
        case compile, lint, test
    }

    /// The canonical commands (the names `architecture resolve --command` takes) and what each
    /// performs. `clean` is left out on purpose: `clean verify` does real work after it, so its
    /// first word says nothing about the rest.
    static let canonical: [String: Set<Analysis>] = [
        "compile": [.compile], "test-compile": [.compile], "quality-gate": [.compile, .lint],
        "module-tests": [.test], "integration-tests": [.test], "e2e": [.test], "coverage": [.test],
        "verify": [.compile, .lint, .test],
    ]

    /// The kinds of finding a later run may settle, each with the analysis that reaches it.
    static let findingKinds: [(name: String, reachedBy: Analysis)] = [
        ("build-error", .compile), ("lint-issue", .lint), ("test-failure", .test),
    ]

    public let analyses: Set<Analysis>?
    public let testsRun: Int?

    /// `commandArgs`: the run's `--command-args` (its first word names the command); `parsedTests`:
    /// how many tests the log's summary counted, nil without one.
    public init(commandArgs: String?, parsedTests: Int?) {
        let first = commandArgs?.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init)
        let analyses = first.flatMap { Self.canonical[$0] }
        self.analyses = analyses
        if let parsedTests {
            testsRun = parsedTests
        } else if let analyses, !analyses.contains(.test) {
            testsRun = 0
        } else {
            testsRun = nil
        }
    }

    /// `measured` or `unmeasured`: says why `tests_run` is absent when it is.
    public var testsPopulation: String { testsRun == nil ? "unmeasured" : "measured" }

    /// `compile, lint, test` (sorted), `none` or `unknown`.
    public var analysesExamined: String {
        guard let analyses else { return "unknown" }
        if analyses.isEmpty { return "none" }
        return analyses.map(\.rawValue).sorted().joined(separator: ", ")
    }

    /// `analyses examined: compile; 0 test(s) executed`.
    public var label: String {
        "analyses examined: \(analysesExamined); \(testsRun.map(String.init) ?? "unknown") test(s) executed"
    }

    /// The kinds of finding this run's evidence reaches: an analysis that can see them, and for
    /// test failures a measured count above zero.
    public var settledKinds: [String] {
        guard let analyses else { return [] }
        return Self.findingKinds.filter { kind in
            analyses.contains(kind.reachedBy) && (kind.reachedBy != .test || (testsRun ?? 0) > 0)
        }.map(\.name)
    }

    /// Why the run settles no kind of finding (`population_unknown`, `population_empty`,
    /// `no_analysis_reaches_a_finding_type`, `tests_unmeasured`, `tests_executed_zero`); nil when it settles some.
    public var refusal: String? {
        guard settledKinds.isEmpty else { return nil }
        guard let analyses else { return "population_unknown" }
        if analyses.isEmpty { return "population_empty" }
        if !Self.findingKinds.contains(where: { analyses.contains($0.reachedBy) }) { return "no_analysis_reaches_a_finding_type" }
        return testsRun == nil ? "tests_unmeasured" : "tests_executed_zero"
    }
}
