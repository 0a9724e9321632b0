import Synchronization
import PlanBuildSupport
import PlanBuildOrchestration
import PlanBuildPresentation

/// Draws orchestration progress on standard error. What is shown is decided by the core
/// (`LiveRunState`, `DisplayMode`); this class only writes it:
/// - `live`: finished builds scroll up, a block at the bottom (one line per running build, the total
///   line) is redrawn in place on every event and twice a second by a ticker thread, cursor hidden;
/// - `compact` (NO_COLOR): one status line rewritten with a carriage return, no escape code;
/// - `plain` (not a terminal, CI, TERM=dumb): each event's line (`ProgressEvent.line`) and a
///   heartbeat line every 30 s (`DisplayMode.heartbeatInterval`) while builds run.
/// Events come on the orchestrator's thread and ticks on the ticker's, so all state is behind a lock.
final class ProgressDisplay: @unchecked Sendable {
    private struct Screen {
        var state = LiveRunState()
        /// Lines of the live block now on screen (live), or columns of the status line (compact).
        var drawn = 0
        var lastOutput: Double = 0
        var closed = false
    }

    let mode: DisplayMode
    private let heartbeatSeconds: Double
    private let started = MonotonicClock.milliseconds()
    private let screen = Mutex(Screen())
    private let ticking = Atomic<Bool>(false)

    init(mode: DisplayMode, heartbeatSeconds: Double = DisplayMode.heartbeatSeconds) {
        self.mode = mode
        self.heartbeatSeconds = heartbeatSeconds
        if mode == .live { writeText("\u{1B}[?25l", to: 2) } // the cursor would flicker over the block
        StopSignals.setAnnouncer { [self] message in self.announce(message) }
        StopSignals.setRestorer { [mode] in
            // The second stop signal exits at once: leave a usable terminal.
            if mode == .live { writeText("\r\n\u{1B}[?25h", to: 2) } else if mode == .compact { writeText("\r\n", to: 2) }
        }
        startTicker()
    }

    private var now: Double { Double(MonotonicClock.milliseconds() - started) / 1000 }

    func show(_ event: ProgressEvent) {
        screen.withLock { screen in
            guard !screen.closed else { return }
            let time = now
            let scrolled = screen.state.apply(event, at: time)
            var lines: [String] = []
            if case let .runStarted(command, total, jobs, _) = event {
                lines.append("orchestrating \(OneLine.escape(command)) over \(total) modules (jobs \(jobs.map(String.init) ?? "unlimited"))")
            }
            switch mode {
            case .plain:
                if let line = event.line { lines.append(line) }
                output(&screen, lines, at: time)
            case .live, .compact:
                output(&screen, lines + scrolled.map { $0.rendered(width: width, color: mode == .live) }, at: time)
            }
        }
    }

    /// Removes the live block, prints the final total line (live and compact) and shows the cursor.
    func finish() {
        ticking.store(false, ordering: .releasing)
        StopSignals.setAnnouncer(nil)
        StopSignals.setRestorer(nil)
        screen.withLock { screen in
            guard !screen.closed else { return }
            let time = now
            var text = erase(&screen)
            // A run that never started (no project, a cycle) has no total to show: only its error.
            if mode != .plain && screen.state.started {
                text += screen.state.totalLine(at: time).rendered(width: width, color: mode == .live) + "\n"
            }
            if mode == .live { text += "\u{1B}[?25h" }
            writeText(text, to: 2)
            screen.closed = true
        }
    }

    /// A message (the stop signal's) printed above the block instead of through it.
    func announce(_ message: String) {
        screen.withLock { screen in
            if screen.closed { writeText(message + "\n", to: 2); return }
            output(&screen, [message], at: now)
        }
    }

    // MARK: Drawing

    /// Writes `lines` above the live block and redraws the block, in one write.
    private func output(_ screen: inout Screen, _ lines: [String], at time: Double) {
        if mode == .plain {
            guard !lines.isEmpty else { return }
            writeText(lines.map { $0 + "\n" }.joined(), to: 2)
            screen.lastOutput = time
            return
        }
        var text = erase(&screen)
        for line in lines { text += line + "\n" }
        text += draw(&screen, at: time)
        writeText(text, to: 2)
    }

    private func tick() {
        screen.withLock { screen in
            guard !screen.closed else { return }
            let time = now
            switch mode {
            case .plain:
                guard !screen.state.running.isEmpty, time - screen.lastOutput >= heartbeatSeconds else { return }
                output(&screen, [screen.state.heartbeat(at: time)], at: time)
            case .live, .compact:
                writeText(erase(&screen) + draw(&screen, at: time), to: 2)
            }
        }
    }

    /// What takes the block off the screen: cursor up over its lines and clear to the end (live),
    /// or the status line overwritten with spaces (compact).
    private func erase(_ screen: inout Screen) -> String {
        defer { screen.drawn = 0 }
        guard screen.drawn > 0 else { return "" }
        switch mode {
        case .live: return "\r\u{1B}[\(screen.drawn)A\u{1B}[J"
        case .compact: return "\r" + String(repeating: " ", count: screen.drawn) + "\r"
        case .plain: return ""
        }
    }

    private func draw(_ screen: inout Screen, at time: Double) -> String {
        guard !screen.state.finished else { return "" }
        switch mode {
        case .live:
            let lines = screen.state.block(at: time)
            screen.drawn = lines.count
            return lines.map { $0.rendered(width: width, color: true) + "\n" }.joined()
        case .compact:
            let line = screen.state.compactLine(at: time).rendered(width: width, color: false)
            screen.drawn = TerminalWidth.columns(line)
            return line
        case .plain:
            return ""
        }
    }

    /// Columns of the terminal on standard error, one less so that a full line never wraps.
    private var width: Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 1 else { return 79 }
        return Int(size.ws_col) - 1
    }

    private func startTicker() {
        ticking.store(true, ordering: .releasing)
        let started = DetachedThread.start { [self] in
            while self.ticking.load(ordering: .acquiring) {
                usleep(mode == .plain ? 1_000_000 : 500_000)
                if self.ticking.load(ordering: .acquiring) { self.tick() }
            }
        }
        if !started { ticking.store(false, ordering: .releasing) } // no ticking: redrawn on events only
    }
}

/// The display this process's standard error gets, with its heartbeat interval; a heartbeat
/// setting that was not taken is said on standard error.
func chosenDisplay() -> ProgressDisplay {
    var environment: [String: String] = [:]
    for name in ["CI", "TERM", "NO_COLOR", DisplayMode.heartbeatVariable] {
        if let value = getenv(name) { environment[name] = String(cString: value) }
    }
    let heartbeat = DisplayMode.heartbeatInterval(environment: environment)
    if let ignored = heartbeat.ignored { writeText("planbuild: \(ignored)\n", to: 2) }
    return ProgressDisplay(mode: DisplayMode.choose(terminal: isatty(2) == 1, environment: environment),
                           heartbeatSeconds: heartbeat.seconds)
}
