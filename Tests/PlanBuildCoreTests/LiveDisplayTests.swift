import Testing
@testable import PlanBuildOrchestration
@testable import PlanBuildPresentation
import PlanBuildModel

/// The decisions of the live display: duration text, bars, truncation, the honest ETA,
/// the mode chosen from the terminal and environment, and the lines drawn from a run's events.
@Suite struct LiveDisplayTests {
    @Test func durations() {
        #expect(DurationText.format(seconds: 4.2) == "4.2s")
        #expect(DurationText.format(seconds: 0) == "0.0s")
        #expect(DurationText.format(seconds: 59.94) == "59.9s")
        #expect(DurationText.format(seconds: 59.96) == "1m 00s")
        #expect(DurationText.format(seconds: 125) == "2m 05s")
        #expect(DurationText.format(seconds: 3723) == "1h 02m 03s")
        #expect(DurationText.format(seconds: -3) == "0.0s")
        #expect(DurationText.format(seconds: .nan) == "0.0s")
    }

    @Test func bars() {
        #expect(ProgressBar.text(fraction: 0.5, width: 12) == "[██████░░░░░░]")
        #expect(ProgressBar.text(fraction: 0, width: 4) == "[░░░░]")
        #expect(ProgressBar.text(fraction: 1, width: 4) == "[████]")
        #expect(ProgressBar.text(fraction: 0.99, width: 4) == "[███░]") // never overstated
        #expect(ProgressBar.text(fraction: 7, width: 2) == "[██]")
        #expect(ProgressBar.percent(fraction: 0.996) == 99)
    }

    @Test func truncation() {
        #expect(TerminalWidth.truncate("abcdef", to: 4) == "abc…")
        #expect(TerminalWidth.truncate("abc", to: 3) == "abc")
        #expect(TerminalWidth.columns("⚡x") == 3)
        #expect(TerminalWidth.truncate("⚡⚡⚡", to: 4) == "⚡…")
        var line = StyledLine("✔ ", .green)
        line.append("module-with-a-long-name", .bold)
        #expect(line.rendered(width: 10, color: false) == "✔ module-…")
        #expect(TerminalWidth.columns(line.rendered(width: 10, color: false)) == 10)
        // Colour codes do not count, and a cut piece is closed before the `…`.
        #expect(line.rendered(width: 10, color: true) == "\u{1B}[32m✔ \u{1B}[0m\u{1B}[1mmodule-\u{1B}[0m…")
        #expect(line.rendered(width: nil, color: false) == "✔ module-with-a-long-name")
    }

    @Test func remainingTimeNeverSticksAtZero() {
        #expect(RemainingTime.ofRunningBuild(expectedMilliseconds: 10_000, elapsedMilliseconds: 4_000) == 6_000)
        #expect(RemainingTime.ofRunningBuild(expectedMilliseconds: 10_000, elapsedMilliseconds: 10_000) == 1_000)
        // Overrun by 5 s: 5 s more is the best guess, growing with the overrun.
        #expect(RemainingTime.ofRunningBuild(expectedMilliseconds: 10_000, elapsedMilliseconds: 15_000) == 5_000)
        #expect(RemainingTime.now(estimate: 8, since: 3) == 5)
        #expect(RemainingTime.now(estimate: 8, since: 8) == 1)
        #expect(RemainingTime.now(estimate: 8, since: 12) == 4)
        #expect(RemainingTime.now(estimate: 0, since: 20) == 20)
        #expect(DurationText.eta(nil) == "ETA unknown")
        #expect(DurationText.eta(125) == "ETA 2m 05s")
    }

    @Test func modes() {
        #expect(DisplayMode.choose(terminal: true, environment: ["TERM": "xterm"]) == .live)
        #expect(DisplayMode.choose(terminal: false, environment: ["TERM": "xterm"]) == .plain)
        #expect(DisplayMode.choose(terminal: true, environment: ["CI": "true"]) == .plain)
        #expect(DisplayMode.choose(terminal: true, environment: ["CI": "false"]) == .live)
        #expect(DisplayMode.choose(terminal: true, environment: ["TERM": "dumb"]) == .plain)
        #expect(DisplayMode.choose(terminal: true, environment: ["NO_COLOR": "1"]) == .compact)
        #expect(DisplayMode.choose(terminal: true, environment: ["NO_COLOR": ""]) == .live)
    }

    @Test func heartbeatInterval() {
        #expect(DisplayMode.heartbeatInterval(environment: [:]) == (30, nil))
        #expect(DisplayMode.heartbeatInterval(environment: ["PLANBUILD_HEARTBEAT_SECONDS": "2"]) == (2, nil))
        #expect(DisplayMode.heartbeatInterval(environment: ["PLANBUILD_HEARTBEAT_SECONDS": "3600"]) == (3600, nil))
        for bad in ["", "0", "3601", "-1", "1.5", " 2", "+2", "2s", "99999999999999999999", "١"] {
            let (seconds, ignored) = DisplayMode.heartbeatInterval(environment: ["PLANBUILD_HEARTBEAT_SECONDS": bad])
            #expect(seconds == 30, "\(bad)")
            #expect(ignored?.hasPrefix("PLANBUILD_HEARTBEAT_SECONDS ignored: a whole number of seconds") == true, "\(bad)")
        }
    }

    static func build(_ module: String, _ index: Int) -> ProgressEvent.BuildIdentity {
        ProgressEvent.BuildIdentity(module: module, command: "verify", index: index)
    }

    static func summary(_ completed: Int, failed: Int = 0, running: Int, eta: Double?) -> ProgressEvent {
        .progress(ProgressEvent.ProgressSummary(total: 4, completed: completed, failed: failed, running: running,
                                                pending: 4 - completed - running, percent: 0, elapsedSeconds: 0, etaSeconds: eta))
    }

    @Test func aRunAsTheDisplayShowsIt() {
        var state = LiveRunState()
        _ = state.apply(.runStarted(command: "verify", total: 4, jobs: 2, modules: ["core", "web", "app", "doc"]), at: 0)
        _ = state.apply(.buildStarted(Self.build("core", 0), elapsedSeconds: 0, expectedSeconds: 10), at: 0)
        _ = state.apply(.buildStarted(Self.build("web", 1), elapsedSeconds: 0), at: 0)
        _ = state.apply(Self.summary(0, running: 2, eta: nil), at: 0)
        // Time passes without an event: elapsed and the bar of the build with a learned duration move.
        let block = state.block(at: 4.2).map { $0.rendered(width: nil, color: false) }
        #expect(block == ["  ▸ core  [████░░░░░░] 42%  4.2s", "  ▸ web  4.2s",
                          "[░░░░░░░░░░░░] 0/4 done · 2 running · 0 failed · 0 cached · 4.2s · ETA unknown"])

        let failed = ProgressEvent.BuildOutcome(status: .error, durationSeconds: 5, durationMilliseconds: 5_300, errors: 2,
                                                warnings: 1, logFile: nil, firstError: "src/A.java:3: cannot find symbol")
        let lines = state.apply(.buildFinished(Self.build("web", 1), failed), at: 5.3)
        #expect(lines.map { $0.rendered(width: nil, color: false) }
            == ["✖ web  5.3s  2 errors  1 warning", "    src/A.java:3: cannot find symbol"])
        let hit = ProgressEvent.BuildOutcome(status: .cached, durationSeconds: 0, durationMilliseconds: 0, errors: 0,
                                             warnings: 0, logFile: nil, timeSavedSeconds: 125)
        #expect(state.apply(.buildFinished(Self.build("doc", 3), hit), at: 5.3).map { $0.rendered(width: nil, color: false) }
            == ["⚡ doc  cached, saved 2m 05s"])
        let skipped = state.apply(.buildSkipped(Self.build("app", 2), status: .skipped, reason: "dependency web did not succeed (error)"), at: 5.3)
        #expect(skipped.map { $0.rendered(width: nil, color: false) } == ["↷ app  skipped: dependency web did not succeed (error)"])
        _ = state.apply(Self.summary(3, failed: 1, running: 1, eta: 6), at: 5.3)
        #expect(state.totalLine(at: 6.3).rendered(width: nil, color: false)
            == "[█████████░░░] 3/4 done · 1 running · 1 failed · 1 cached · 6.3s · ETA 5.0s")
        // The estimate passed: it grows rather than saying 0.
        #expect(state.etaText(at: 14.3) == "ETA 3.0s")
        #expect(state.heartbeat(at: 14.3) == "still running: core 14.3s · [3/4] elapsed 14.3s · ETA 3.0s")
        // A build past its learned duration shows 99 %, not 100 % or more.
        #expect(state.runningLine(state.running[0], at: 30).rendered(width: nil, color: false) == "  ▸ core  [█████████░] 99%  30.0s")
        #expect(state.compactLine(at: 6.3).plain.hasSuffix("ETA 5.0s · core 6.3s"))
    }

    @Test func everyEndHasItsIcon() {
        let icons = [BuildReport.Status.success, .error, .timeout, .skipped, .cancelled, .cached].map { LiveRunState.icon($0).0 }
        #expect(icons == ["✔", "✖", "⏱", "↷", "⊘", "⚡"])
        let timeout = ProgressEvent.BuildOutcome(status: .timeout, durationSeconds: 125, durationMilliseconds: 125_000,
                                                 errors: 0, warnings: 0, logFile: nil, firstError: "timed out")
        #expect(LiveRunState.finishedLines(Self.build("core", 0), timeout).map(\.plain)
            == ["⏱ core  timed out after 2m 05s  0 errors  0 warnings", "    timed out"])
    }

    @Test func valuesNeverBreakALine() {
        var state = LiveRunState()
        _ = state.apply(.buildStarted(Self.build("evil\nname", 0), elapsedSeconds: 0), at: 0)
        #expect(state.block(at: 1)[0].plain == "  ▸ evil | name  1.0s")
        let outcome = ProgressEvent.BuildOutcome(status: .error, durationSeconds: 0, durationMilliseconds: 0, errors: 1,
                                                 warnings: 0, logFile: nil, firstError: "a\nb")
        #expect(LiveRunState.finishedLines(Self.build("x", 0), outcome)[1].plain == "    a | b")
    }

    @Test func oneDurationEverywhere() {
        // The display's tenths and every whole-second output (results, reports, plain lines) agree.
        #expect(DurationText.format(milliseconds: 14_960) == "15.0s" && WholeSeconds.of(milliseconds: 14_960) == 15)
        #expect(DurationText.format(milliseconds: 14_449) == "14.4s" && WholeSeconds.of(milliseconds: 14_449) == 14)
        #expect(DurationText.format(milliseconds: 75_440) == "1m 15s" && WholeSeconds.of(milliseconds: 75_440) == 75)
        // Rounded from the tenths the display shows: 75.46 s is 75.5 s, so 76 s.
        #expect(DurationText.format(milliseconds: 75_460) == "1m 16s" && WholeSeconds.of(milliseconds: 75_460) == 76)
        #expect(WholeSeconds.of(milliseconds: -5) == 0)
        var report = RunReport(command: "verify", builds: [], durationMilliseconds: 14_960)
        #expect(report.durationSeconds == 15)
        report.durationMilliseconds = 999
        #expect(report.durationSeconds == 1)
    }

    @Test func theEstimateIsNeverMadeUp() {
        typealias Running = RemainingTime.RunningBuild
        // Nothing learned, nothing finished: unknown.
        #expect(RemainingTime.estimate(running: [Running(expectedMilliseconds: nil, elapsedMilliseconds: 7_500)],
                                       pending: [nil], finishedMilliseconds: [], lanes: 2) == nil)
        // A running build without a learned duration: no finished build's time says how long it still runs.
        #expect(RemainingTime.estimate(running: [Running(expectedMilliseconds: nil, elapsedMilliseconds: 7_500)],
                                       pending: [], finishedMilliseconds: [1_000], lanes: 2) == nil)
        // A build still to start takes the average of the finished ones when it learned nothing.
        #expect(RemainingTime.estimate(running: [], pending: [nil, nil], finishedMilliseconds: [2_000, 4_000], lanes: 2) == 3_000)
        // Spread over the lanes, but never below what the longest running build has left.
        #expect(RemainingTime.estimate(running: [Running(expectedMilliseconds: 20_000, elapsedMilliseconds: 5_000),
                                                 Running(expectedMilliseconds: 2_000, elapsedMilliseconds: 0)],
                                       pending: [], finishedMilliseconds: [], lanes: 2) == 15_000)
        #expect(RemainingTime.estimate(running: [], pending: [], finishedMilliseconds: [1_000], lanes: 2) == nil)
    }

    @Test func aCancelledRunIsShownCancelled() {
        var state = LiveRunState()
        _ = state.apply(.runStarted(command: "verify", total: 3, jobs: 2, modules: ["a", "b", "c"]), at: 0)
        _ = state.apply(.buildStarted(Self.build("a", 0), elapsedSeconds: 0, expectedSeconds: 10), at: 0)
        let stopped = ProgressEvent.BuildOutcome(status: .cancelled, durationSeconds: 2, durationMilliseconds: 1_600, errors: 0,
                                                 warnings: 0, logFile: nil)
        #expect(state.apply(.buildFinished(Self.build("a", 0), stopped), at: 1.6).map(\.plain)
            == ["⊘ a  cancelled after 1.6s  0 errors  0 warnings"])
        _ = state.apply(.buildSkipped(Self.build("c", 2), status: .cancelled, reason: "cancelled before it started"), at: 1.6)
        _ = state.apply(.progress(ProgressEvent.ProgressSummary(total: 3, completed: 3, failed: 0, running: 0, pending: 0,
                                                                percent: 100, elapsedSeconds: 1.6, etaSeconds: nil,
                                                                cancelled: 3)), at: 1.6)
        let line = state.totalLine(at: 1.7).plain
        #expect(line == "⊘ [░░░░░░░░░░░░] 0/3 done · 3 cancelled · 0 running · 0 failed · 0 cached · 1.7s")
        #expect(!line.contains("3/3") && !line.contains("ETA"))
    }

    @Test func narrowTerminalsKeepWhatMatters() {
        var state = LiveRunState()
        _ = state.apply(.runStarted(command: "verify", total: 4, jobs: 2, modules: []), at: 0)
        _ = state.apply(.buildStarted(Self.build("a-module-with-a-rather-long-name", 0), elapsedSeconds: 0, expectedSeconds: 10), at: 0)
        _ = state.apply(Self.summary(1, running: 1, eta: 9), at: 1)
        // Zero counts go first, then the bar; the elapsed time and the estimate stay.
        #expect(state.totalLine(at: 1).rendered(width: 60, color: false) == "[███░░░░░░░░░] 1/4 done · 1 running · 1.0s · ETA 9.0s")
        #expect(state.totalLine(at: 1).rendered(width: 40, color: false) == "1/4 done · 1 running · 1.0s · ETA 9.0s")
        #expect(state.runningLine(state.running[0], at: 2).rendered(width: 31, color: false) == "  ▸ a-module-with-a…  20%  2.0s")
        // A finished line drops its zero counts, then the error's folders; its line number stays.
        let failed = ProgressEvent.BuildOutcome(status: .error, durationSeconds: 18, durationMilliseconds: 18_000, errors: 1,
                                                warnings: 0, logFile: nil,
                                                firstError: "web/src/test/java/com/example/web/GreetingControllerTest.java:18: expected")
        let lines = LiveRunState.finishedLines(Self.build("web", 1), failed)
        #expect(lines[0].rendered(width: 22, color: false) == "✖ web  18.0s  1 error")
        #expect(lines[1].rendered(width: 60, color: false) == "    …/GreetingControllerTest.java:18: expected")
        #expect(lines[1].rendered(width: 44, color: false) == "    …/GreetingControllerTest.java:18: expec…")
    }

    @Test func theSummaryAPersonReads() {
        var core = BuildReport(module: "core", command: "verify", status: .success)
        core.tests = TestSummary(passed: 3, failed: 0, skipped: 1)
        core.logFile = "/p/.plan/temp/build-output/core/maven-1.log"
        var web = BuildReport(module: "web", command: "verify", status: .error)
        web.tests = TestSummary(passed: 2, failed: 1, skipped: 0)
        web.errors = [Issue(file: "web/src/A.java", line: 18, message: "expected", severity: .error, category: "test_failure")]
        var cached = BuildReport(module: "api", command: "verify", status: .cached)
        cached.timeSavedSeconds = 12
        let report = RunReport(command: "verify", builds: [core, web, cached], durationMilliseconds: 20_160)
        #expect(report.summary(logFolder: report.logFolder(relativeTo: "/p")).map(\.plain) == [
            "Builds  1 successful, 1 failed, 1 cached, 3 total · saved 12.0s · Time 20.2s",
            "Tests   5 passed, 1 failed, 1 skipped (7 total)",
            "✖ web  error: 1 error",
            "    web/src/A.java:18: expected",
            "Logs    .plan/temp/build-output/",
        ])
    }
}
