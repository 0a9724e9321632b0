import PlanBuildSupport
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
            return Self.finishedLines(build, outcome)
        case let .buildSkipped(build, status, reason):
            running.removeAll { $0.index == build.index }
            return [Self.skippedLine(build, status: status, reason: reason)]
        case let .progress(summary):
            total = summary.total
            done = summary.completed
            failed = summary.failed
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

    /// `  ▸ core  [████░░░░░░] 42%  4.2s` (the bar and percentage only with a learned duration).
    public func runningLine(_ build: RunningBuild, at now: Double) -> StyledLine {
        let elapsed = max(0, now - build.startedAt)
        var line = StyledLine("  ▸ ", .cyan)
        line.append(build.module, .bold)
        if let expected = build.expectedSeconds, expected > 0 {
            // Never shows 100 % while it still runs.
            let fraction = min(elapsed / expected, 0.99)
            line.append("  " + ProgressBar.text(fraction: fraction, width: Self.buildBarWidth), .cyan)
            line.append(" \(ProgressBar.percent(fraction: fraction))%")
        }
        line.append("  " + DurationText.format(seconds: elapsed))
        return line
    }

    /// `[████░░░░░░░░] 2/5 done · 2 running · 1 failed · 1 cached · 12.3s · ETA 8.0s`.
    public func totalLine(at now: Double) -> StyledLine {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        var line = StyledLine(ProgressBar.text(fraction: fraction, width: Self.totalBarWidth), failed > 0 ? .red : .green)
        line.append(" \(done)/\(total) done · \(running.count) running · ")
        line.append("\(failed) failed", failed > 0 ? .red : nil)
        line.append(" · \(cached) cached · \(DurationText.format(seconds: now))")
        if !finished && done < total { line.append(" · " + etaText(at: now), .dim) }
        return line
    }

    /// The estimate as it stands now: the orchestrator's last one counted down (growing once
    /// passed, `RemainingTime.now`), or `ETA unknown`.
    public func etaText(at now: Double) -> String {
        DurationText.eta(estimate.seconds.map { RemainingTime.now(estimate: $0, since: now - estimate.at) })
    }

    /// The one status line of the compact mode (a terminal with NO_COLOR): the total line and the
    /// running builds with their elapsed time.
    public func compactLine(at now: Double) -> StyledLine {
        var line = totalLine(at: now)
        if !running.isEmpty {
            line.append(" · " + running.map { "\($0.module) \(DurationText.format(seconds: max(0, now - $0.startedAt)))" }
                .joined(separator: ", "))
        }
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

    /// `✔ core  4.2s  0 errors  1 warning`; a failed build's first error on the next line.
    public static func finishedLines(_ build: ProgressEvent.BuildIdentity, _ outcome: ProgressEvent.BuildOutcome) -> [StyledLine] {
        let (icon, style) = icon(outcome.status)
        var line = StyledLine(icon + " ", style)
        line.append(OneLine.escape(build.module), .bold)
        let duration = DurationText.format(seconds: Double(outcome.durationMilliseconds) / 1000)
        switch outcome.status {
        case .cached:
            line.append("  cached, saved \(DurationText.format(seconds: Double(outcome.timeSavedSeconds ?? 0)))", .dim)
            return [line]
        case .timeout: line.append("  timed out after \(duration)", style)
        case .cancelled: line.append("  cancelled after \(duration)", style)
        case .killed: line.append("  killed after \(duration)", style)
        default: line.append("  \(duration)")
        }
        line.append("  \(counted(outcome.errors, "error"))", outcome.errors > 0 ? .red : nil)
        line.append("  \(counted(outcome.warnings, "warning"))", outcome.warnings > 0 ? .yellow : nil)
        guard outcome.status == .error || outcome.status == .timeout || outcome.status == .killed, let first = outcome.firstError else { return [line] }
        return [line, StyledLine("    " + OneLine.escape(first), .red)]
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
