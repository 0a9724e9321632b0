import Testing
@testable import PlanBuildOrchestration
@testable import PlanBuildPresentation

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
}
