import PlanBuildSupport
import PlanBuildModel
import PlanBuildOrchestration

/// What the live display of an orchestrated run knows, fed with the typed progress events, and the
/// lines it shows. The CLI only writes these lines and moves the cursor; every decision —
/// the bars, the counts, the durations, the estimate, the icons — is made here.
///
/// Times are seconds since the run started, on the caller's monotonic clock: `apply` is given the
/// time an event arrived, `block`/`heartbeat` the time of drawing, so the block advances while no
/// event arrives.
public struct LiveRunState: Sendable {
    public struct RunningBuild: Equatable, Sendable {
        public let index: Int
        public let module: String
        public let startedAt: Double
        public let expectedSeconds: Double?
    }

    public private(set) var command = ""
    public private(set) var total = 0
    public private(set) var done = 0
    public private(set) var failed = 0
    public private(set) var cached = 0
    /// Builds cancelled (stopped while running, or never started after the cancel).
    public private(set) var cancelled = 0
    /// In the order they started.
    public private(set) var running: [RunningBuild] = []
    /// The orchestrator's last estimate (nil: unknown) and when it came.
    private var estimate: (seconds: Double?, at: Double) = (nil, 0)
    public private(set) var finished = false
    /// run_started came: there is a run to show.
    public private(set) var started = false

    public static let totalBarWidth = 12
    public static let buildBarWidth = 10

    public init() {}

    /// Takes an event; returns the lines that scroll above the live block (finished builds).
    public mutating func apply(_ event: ProgressEvent, at now: Double) -> [StyledLine] {
        switch event {
        case let .runStarted(command, total, _, _):
            self.command = command
            self.total = total
            started = true
            return []
        case let .buildStarted(build, _, expected):
            running.append(RunningBuild(index: build.index, module: OneLine.escape(build.module), startedAt: now,
                                        expectedSeconds: expected))
            return []
        case let .buildFinished(build, outcome):
            running.removeAll { $0.index == build.index }
            if outcome.status == .cached { cached += 1 }
            if outcome.status == .cancelled { cancelled += 1 }
            return Self.finishedLines(build, outcome)
        case let .buildSkipped(build, status, reason):
            running.removeAll { $0.index == build.index }
            if status == .cancelled { cancelled += 1 }
            return [Self.skippedLine(build, status: status, reason: reason)]
        case let .progress(summary):
            total = summary.total
            done = summary.completed
            failed = summary.failed
            cancelled = max(cancelled, summary.cancelled)
            estimate = (summary.etaSeconds, now)
            return []
        case .runFinished:
            finished = true
            running.removeAll()
            return []
        }
    }

    // MARK: The live block

    /// One line per running build, then the total line.
    public func block(at now: Double) -> [StyledLine] {
        running.map { runningLine($0, at: now) } + [totalLine(at: now)]
    }

    /// `  ▸ core  [████░░░░░░] 42%  4.2s` (the bar and percentage only with a learned duration);
    /// narrower without the bar, then with the module name cut, never without the elapsed time.
    public func runningLine(_ build: RunningBuild, at now: Double) -> StyledLine {
        let elapsed = DurationText.format(seconds: max(0, now - build.startedAt))
        var fraction: Double?
        if let expected = build.expectedSeconds, expected > 0 {
            // Never shows 100 % while it still runs.
            fraction = min(max(0, now - build.startedAt) / expected, 0.99)
        }
        func line(bar: Bool, module: String) -> StyledLine {
            var line = StyledLine("  ▸ ", .cyan)
            line.append(module, .bold)
            if let fraction {
                if bar { line.append("  " + ProgressBar.text(fraction: fraction, width: Self.buildBarWidth), .cyan) }
                line.append(bar ? " \(ProgressBar.percent(fraction: fraction))%" : "  \(ProgressBar.percent(fraction: fraction))%")
            }
            line.append("  " + elapsed)
            return line
        }
        var full = line(bar: true, module: build.module)
        full.narrower = [line(bar: false, module: build.module)]
            + [16, 8].map { line(bar: false, module: TerminalWidth.truncate(build.module, to: $0)) }
        return full
    }

    /// `[████░░░░░░░░] 2/5 done · 2 running · 1 failed · 1 cached · 12.3s · ETA 8.0s`; after a
    /// cancel `⊘ [██░░] 1/3 done · 2 cancelled · …` and no estimate. Narrower: zero counts left
    /// out, then the bar; the elapsed time and the estimate stay.
    public func totalLine(at now: Double) -> StyledLine {
        var full = totalLine(at: now, zeros: true, bar: true)
        full.narrower = [totalLine(at: now, zeros: false, bar: true), totalLine(at: now, zeros: false, bar: false),
                         totalLine(at: now, zeros: false, bar: false, counts: false)]
        return full
    }

    /// `counts` false: only done/total, the elapsed time and the estimate (the narrowest form).
    private func totalLine(at now: Double, zeros: Bool, bar: Bool, counts: Bool = true) -> StyledLine {
        // Cancelled builds are not done: a cancelled run never reads "3/3 done".
        let finishedBuilds = max(0, done - cancelled)
        let fraction = total == 0 ? 1 : Double(finishedBuilds) / Double(total)
        var line = StyledLine()
        if cancelled > 0 { line.append("⊘ ", .yellow) }
        if bar { line.append(ProgressBar.text(fraction: fraction, width: Self.totalBarWidth) + " ", failed > 0 ? .red : .green) }
        line.append("\(finishedBuilds)/\(total)" + (counts ? " done" : ""))
        if counts {
            if cancelled > 0 { line.append(" · \(cancelled) cancelled", .yellow) }
            if zeros || !running.isEmpty { line.append(" · \(running.count) running") }
            if zeros || failed > 0 { line.append(" · "); line.append("\(failed) failed", failed > 0 ? .red : nil) }
            if zeros || cached > 0 { line.append(" · \(cached) cached") }
        }
        line.append(" · \(DurationText.format(seconds: now))")
        if !finished && cancelled == 0 && done < total { line.append(" · " + etaText(at: now), .dim) }
        return line
    }

    /// The estimate as it stands now: the orchestrator's last one counted down (growing once
    /// passed, `RemainingTime.now`), or `ETA unknown`.
    public func etaText(at now: Double) -> String {
        DurationText.eta(estimate.seconds.map { RemainingTime.now(estimate: $0, since: now - estimate.at) })
    }

    /// The one status line of the compact mode (a terminal with NO_COLOR): the total line and the
    /// running builds with their elapsed time.
    /// Narrower: the total line's own shorter forms, without the running builds.
    public func compactLine(at now: Double) -> StyledLine {
        let total = totalLine(at: now)
        guard !running.isEmpty else { return total }
        var line = total
        line.narrower = []
        line.append(" · " + running.map { "\($0.module) \(DurationText.format(seconds: max(0, now - $0.startedAt)))" }
            .joined(separator: ", "))
        var alone = total
        alone.narrower = []
        line.narrower = [alone] + total.narrower
        return line
    }

    /// The plain mode's heartbeat, printed while builds run so that a CI log is never silent:
    /// `still running: core 45.0s, web 12.3s · [2/5] elapsed 1m 02s · ETA unknown`.
    public func heartbeat(at now: Double) -> String {
        let builds = running.map { "\($0.module) \(DurationText.format(seconds: max(0, now - $0.startedAt)))" }
        return "still running: \(builds.joined(separator: ", ")) · [\(done)/\(total)] elapsed "
            + "\(DurationText.format(seconds: now)) · \(etaText(at: now))"
    }

    // MARK: Finished builds

    /// The icon of each way a build ends.
    public static func icon(_ status: BuildReport.Status) -> (String, StyledLine.Style) {
        switch status {
        case .success: return ("✔", .green)
        case .error: return ("✖", .red)
        case .timeout: return ("⏱", .yellow)
        case .skipped: return ("↷", .dim)
        case .cancelled: return ("⊘", .yellow)
        case .cached: return ("⚡", .cyan)
        case .killed: return ("☠", .red)
        }
    }

    /// `✔ core  4.2s  0 errors  1 warning  3/3 tests passed  (2 files changed in core)`; a timeout
    /// with its limit; a failed build's first error on the next line. Narrower: zero counts left
    /// out, then the error's path shortened to `…/File.java:18`; its line number always stays.
    public static func finishedLines(_ build: ProgressEvent.BuildIdentity, _ outcome: ProgressEvent.BuildOutcome) -> [StyledLine] {
        var line = finishedLine(build, outcome, zeros: true)
        line.narrower = [finishedLine(build, outcome, zeros: false)]
        guard outcome.status == .error || outcome.status == .timeout || outcome.status == .killed, let first = outcome.firstError else { return [line] }
        var error = StyledLine("    " + OneLine.escape(first), .red)
        error.narrower = [StyledLine("    " + OneLine.escape(shortenedPath(first)), .red)]
        return [line, error]
    }

    private static func finishedLine(_ build: ProgressEvent.BuildIdentity, _ outcome: ProgressEvent.BuildOutcome, zeros: Bool) -> StyledLine {
        let (icon, style) = icon(outcome.status)
        var line = StyledLine(icon + " ", style)
        line.append(OneLine.escape(build.module), .bold)
        let duration = DurationText.format(milliseconds: outcome.durationMilliseconds)
        switch outcome.status {
        case .cached:
            line.append("  cached, saved \(DurationText.format(seconds: Double(outcome.timeSavedSeconds ?? 0)))", .dim)
            return line
        case .timeout:
            line.append("  timed out after \(duration)", style)
            if let limit = outcome.timeoutSeconds { line.append(" (" + ProgressEvent.timeoutNote(limit) + ")", style) }
        case .cancelled: line.append("  cancelled after \(duration)", style)
        case .killed: line.append("  killed after \(duration)", style)
        default: line.append("  \(duration)")
        }
        if zeros || outcome.errors > 0 { line.append("  \(counted(outcome.errors, "error"))", outcome.errors > 0 ? .red : nil) }
        if zeros || outcome.warnings > 0 { line.append("  \(counted(outcome.warnings, "warning"))", outcome.warnings > 0 ? .yellow : nil) }
        if let tests = outcome.tests { line.append("  " + testsText(tests), tests.failed > 0 ? .red : nil) }
        if let because = outcome.ranBecause { line.append("  (\(OneLine.escape(because)))", .dim) }
        return line
    }

    /// `3/3 tests passed`, `2/3 tests passed, 1 failed`, with skipped ones when there are any.
    public static func testsText(_ tests: TestSummary) -> String {
        var text = "\(tests.passed)/\(tests.total) tests passed"
        if tests.failed > 0 { text += ", \(tests.failed) failed" }
        if tests.skipped > 0 { text += ", \(tests.skipped) skipped" }
        return text
    }

    /// `src/main/java/acme/Foo.java:18: message` → `…/Foo.java:18: message`: the folders go, the
    /// file's name and line stay.
    public static func shortenedPath(_ located: String) -> String {
        // The location ends at the first ": " (a Windows drive's colon has no space after it).
        var end = located.endIndex
        var index = located.startIndex
        while index < located.endIndex {
            let next = located.index(after: index)
            if located[index] == ":" && next < located.endIndex && located[next] == " " { end = index; break }
            index = next
        }
        guard let slash = located[..<end].lastIndex(of: "/") else { return located }
        return "…/" + located[located.index(after: slash)...]
    }

    static func skippedLine(_ build: ProgressEvent.BuildIdentity, status: BuildReport.Status, reason: String?) -> StyledLine {
        let (icon, style) = icon(status)
        var line = StyledLine(icon + " ", style)
        line.append(OneLine.escape(build.module), .bold)
        line.append("  \(status.rawValue)" + (reason.map { ": " + OneLine.escape($0) } ?? ""), .dim)
        return line
    }

    static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
