import Synchronization
import PlanBuildSupport
import PlanBuildPresentation

/// Draws `planbuild run`'s live line (SingleRunLine) on standard error while the build runs,
/// when that is a terminal the live or compact display would draw on (never in CI or a pipe):
/// rewritten twice a second, taken off the screen when the build ends, so the result printed
/// next stands alone.
final class RunLiveLine: @unchecked Sendable {
    private struct State {
        var logFile: String?
        /// Columns of the line on screen (0: none).
        var drawn = 0
        var closed = false
    }

    private let mode: DisplayMode
    private let command: String
    private let started = MonotonicClock.milliseconds()
    private let state = Mutex(State())
    private let ticking = Atomic<Bool>(false)

    /// nil when standard error gets no live display.
    static func start(command: String) -> RunLiveLine? {
        let mode = DisplayMode.choose(terminal: isatty(2) == 1, environment: DisplayEnvironment.current)
        guard mode != .plain else { return nil }
        return RunLiveLine(mode: mode, command: command)
    }

    private init(mode: DisplayMode, command: String) {
        self.mode = mode
        self.command = command
        StopSignals.setRestorer { writeText("\r\n", to: 2) }
        ticking.store(true, ordering: .releasing)
        let started = DetachedThread.start { [self] in
            while self.ticking.load(ordering: .acquiring) {
                self.draw()
                usleep(500_000)
            }
        }
        if !started { ticking.store(false, ordering: .releasing) }
    }

    func logCreated(_ path: String) {
        state.withLock { $0.logFile = path }
        draw()
    }

    /// Takes the line off the screen; nothing is drawn afterwards.
    func finish() {
        ticking.store(false, ordering: .releasing)
        StopSignals.setRestorer(nil)
        state.withLock { state in
            guard !state.closed else { return }
            writeText(erase(&state), to: 2)
            state.closed = true
        }
    }

    private func draw() {
        state.withLock { state in
            guard !state.closed else { return }
            let elapsed = Double(MonotonicClock.milliseconds() - started) / 1000
            let width = TerminalSize.columns(descriptor: 2) - 1
            let line = SingleRunLine.line(command: command, elapsed: elapsed, logFile: state.logFile)
            let text = erase(&state) + line.rendered(width: width, color: mode == .live)
            state.drawn = TerminalWidth.columns(line.rendered(width: width, color: false))
            writeText(text, to: 2)
        }
    }

    /// What clears the line: on a window made narrower since it was drawn it has wrapped onto
    /// more rows, which the live mode clears too (the compact mode writes no escape code).
    private func erase(_ state: inout State) -> String {
        defer { state.drawn = 0 }
        guard state.drawn > 0 else { return "" }
        if mode == .compact { return "\r" + String(repeating: " ", count: state.drawn) + "\r" }
        let columns = TerminalSize.columns(descriptor: 2)
        let rows = max(1, (state.drawn + columns - 1) / columns)
        return rows > 1 ? "\r\u{1B}[\(rows - 1)A\u{1B}[J" : "\r\u{1B}[K"
    }
}
