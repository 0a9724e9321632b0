import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildCache

/// `planbuild watch`: builds once, then after every change rebuilds what it affects.
///
/// - The project's file watcher (ProjectWatcher, warm for the whole session: the cache's
///   decisions in each round read the watcher's list, not the disk) reports changes; the round
///   starts when the files have settled: `debounceMilliseconds` without a new event.
/// - A round builds the affected modules (AffectedModules: the changed ones and everything that
///   depends on them) that the command's plan has, in dependency order; the cache decides as in
///   any run.
/// - A change during a round that affects a module cancels the round (each build's process group
///   ends as on Ctrl-C) and starts it again, with the modules of both.
/// - Changes that affect no module (a README outside every module, a file an ignore rule
///   excludes) start nothing.
public final class WatchSession: @unchecked Sendable {
    public struct Round: Sendable {
        public let number: Int
        /// The modules asked for; nil: the first round, every module of the plan.
        public let modules: [String]?
        /// The changed paths that led to it (empty for the first round).
        public let changed: [String]
        /// Why the whole project was scanned to find them, when it was.
        public let fullScanReason: String?
    }

    /// What ended a round.
    public enum Outcome: Sendable {
        case finished(RunReport)
        /// A change came in while it ran: it was cancelled and starts again.
        case restarted(RunReport)
        case failed(PlanBuildError)
    }

    /// Runs one round: an orchestrated run with `options` (its modules narrowed to the round's),
    /// ended early when `cancellation` is cancelled. In process by default; the command line
    /// sends it to the build server when one runs.
    public typealias RoundRunner = @Sendable (_ options: OrchestrationOptions, _ cancellation: CancellationToken,
                                              _ progress: @escaping @Sendable (ProgressEvent) -> Void) throws(PlanBuildError) -> RunReport

    public let command: String
    public let options: OrchestrationOptions
    public let layout: ProjectLayout
    public let debounceMilliseconds: Int
    private let runRound: RoundRunner

    public init(command: String, options: OrchestrationOptions, layout: ProjectLayout, debounceMilliseconds: Int = 200,
                runRound: RoundRunner? = nil) {
        self.command = command
        self.options = options
        self.layout = layout
        self.debounceMilliseconds = debounceMilliseconds
        if let runRound {
            self.runRound = runRound
        } else {
            self.runRound = Self.inProcess(command: command, layout: layout)
        }
    }

    private static func inProcess(command: String, layout: ProjectLayout) -> RoundRunner {
        { options, cancellation, progress throws(PlanBuildError) -> RunReport in
            try Orchestrator.run(command: command, options: options, layout: layout, cancellation: cancellation, progress: progress)
        }
    }

    /// Runs rounds until `stop` is cancelled (Ctrl-C); the running round is cancelled then and
    /// waited for, so no build outlives the session. `roundStarted`, `progress` and
    /// `roundEnded` are called on the round's thread, one round after the other.
    public func run(stop: CancellationToken,
                    roundStarted: @escaping @Sendable (Round) -> Void,
                    progress: @escaping @Sendable (ProgressEvent) -> Void,
                    roundEnded: @escaping @Sendable (Round, Outcome) -> Void,
                    waiting: @escaping @Sendable () -> Void = {}) throws(PlanBuildError) {
        try options.validate()
        let architecture = try ProjectArchitecture.load(layout)
        let planned = Set(try OrchestrationPlan.make(command: command, modules: options.modules, architecture: architecture)
            .builds.map(\.module))
        WarmWatchers.enable()
        guard let watcher = WarmWatchers.watcher(layout: layout, architecture: architecture) else {
            throw PlanBuildError(.internal, "the file watcher could not be made")
        }
        _ = watcher.takeChanges() // from now on every change is collected for the rounds
        let affected = AffectedModules(architecture: architecture, layout: layout)

        var next: (modules: Set<String>?, changed: [String], reason: String?)? = (nil, [], nil)
        var number = 0
        while !stop.isCancelled {
            guard let asked = next else {
                // Idle: wait for a change, then for the files to settle.
                waiting()
                guard waitForSettledChange(watcher, stop: stop) else { break }
                let changes = watcher.takeChanges()
                let modules = affected.modules(changed: changes.changed).intersection(planned)
                if !modules.isEmpty { next = (modules, changes.changed, changes.fullScanReason) }
                continue
            }
            next = nil
            number += 1
            let round = Round(number: number, modules: asked.modules.map { $0.sorted() }, changed: asked.changed,
                              fullScanReason: asked.reason)
            var roundOptions = options
            if let modules = asked.modules {
                // The plan's own order (derived-data.json's) for the modules asked for.
                roundOptions.modules = architecture.modules.map(\.name).filter(modules.contains)
            }
            let cancellation = CancellationToken()
            let done = Monitor()
            var outcome: Outcome?
            let started = DetachedThread.start { [self] in
                roundStarted(round)
                let result: Outcome
                do throws(PlanBuildError) {
                    result = .finished(try runRound(roundOptions, cancellation, progress))
                } catch {
                    result = .failed(error)
                }
                done.withLock { outcome = result }
                done.signal()
            }
            guard started else { throw PlanBuildError(.internal, "could not start a thread for the round") }
            // While it runs: Ctrl-C cancels it; a change that affects a module restarts it.
            var restartWith: (modules: Set<String>, changed: [String], reason: String?)?
            while done.withLock({ outcome == nil }) {
                if stop.isCancelled { cancellation.cancel() }
                guard !cancellation.isCancelled, watcher.waitForEvents(timeoutMilliseconds: 100) else {
                    done.withLock { if outcome == nil { done.wait(milliseconds: 100) } }
                    continue
                }
                guard waitForSettledChange(watcher, stop: stop, alreadySeen: true) else { continue }
                let changes = watcher.takeChanges()
                let modules = affected.modules(changed: changes.changed).intersection(planned)
                guard !modules.isEmpty else { continue }
                restartWith = (modules, changes.changed, changes.fullScanReason)
                cancellation.cancel()
            }
            let ended = done.withLock { outcome! }
            guard let restartWith, !stop.isCancelled, case .finished(let report) = ended else {
                roundEnded(round, ended)
                continue
            }
            // The round may have ended before the cancellation reached it: then it is finished,
            // and the next round builds what the new change affects. Interrupted, the next round
            // also builds again what this one was asked for.
            if report.builds.contains(where: { $0.status == .cancelled }) {
                roundEnded(round, .restarted(report))
                next = (restartWith.modules.union(asked.modules ?? planned), restartWith.changed, restartWith.reason)
            } else {
                roundEnded(round, ended)
                next = restartWith
            }
        }
    }

    /// Waits for an event (unless one was `alreadySeen`), then until `debounceMilliseconds`
    /// pass without one. false when `stop` was cancelled first.
    private func waitForSettledChange(_ watcher: ProjectWatcher, stop: CancellationToken, alreadySeen: Bool = false) -> Bool {
        if !alreadySeen {
            while !watcher.waitForEvents(timeoutMilliseconds: 100) {
                if stop.isCancelled { return false }
            }
        }
        var quietSince = MonotonicClock.milliseconds()
        while MonotonicClock.milliseconds() - quietSince < debounceMilliseconds {
            if stop.isCancelled { return false }
            let left = debounceMilliseconds - (MonotonicClock.milliseconds() - quietSince)
            if watcher.waitForEvents(timeoutMilliseconds: max(1, min(left, 100))) { quietSince = MonotonicClock.milliseconds() }
        }
        return !stop.isCancelled
    }
}
