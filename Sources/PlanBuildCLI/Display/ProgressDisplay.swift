import PlanBuildCore

/// Shows orchestration progress on standard error from the orchestrator's typed events: a header,
/// then each event's line (`ProgressEvent.line`, the same lines orchestrate.py prints). On a
/// terminal the started and summary lines are not printed but kept in a block at the bottom —
/// one line per running build plus the summary — redrawn in place.
final class ProgressDisplay {
    private let live: Bool
    private var running: [(index: Int, module: String, started: Double)] = []
    private var summary = ""
    private var drawnLines = 0

    init(live: Bool) { self.live = live }

    func show(_ event: ProgressEvent) {
        var now: Double?
        switch event {
        case let .runStarted(command, total, jobs, _):
            emit("orchestrating \(OneLine.escape(command)) over \(total) modules (jobs \(jobs.map(String.init) ?? "unlimited"))")
        case let .buildStarted(build, elapsedSeconds):
            running.append((build.index, OneLine.escape(build.module), elapsedSeconds))
            now = elapsedSeconds
            if !live, let line = event.line { emit(line) }
        case let .buildFinished(build, _):
            running.removeAll { $0.index == build.index }
            if let line = event.line { emit(line) }
        case .buildSkipped:
            if let line = event.line { emit(line) }
        case let .progress(progress):
            summary = event.line ?? ""
            now = progress.elapsedSeconds
            if !live { emit(summary) }
        case .runFinished:
            break
        }
        if live, let now { redraw(now: now) }
    }

    func finish() {
        if live { clear() }
    }

    /// A line is printed above the live block, which is drawn again with the next progress event.
    private func emit(_ line: String) {
        if live { clear() }
        printError(line)
        drawnLines = 0
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        var text = ""
        for _ in 0..<drawnLines { text += "\u{1B}[1A\u{1B}[2K" }
        writeError(text)
        drawnLines = 0
    }

    private func redraw(now: Double) {
        clear()
        var lines = running.map { "  ⏳ \($0.module)  \(Int(max(0, now - $0.started)))s" }
        if !summary.isEmpty { lines.append(summary) }
        for line in lines { printError(line) }
        drawnLines = lines.count
    }
}

func writeError(_ text: String) {
    var copy = text
    copy.withUTF8 { _ = fwriteBytes($0) }
}
