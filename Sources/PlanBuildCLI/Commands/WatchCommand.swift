import ArgumentParser
import Synchronization
import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildScripts
import PlanBuildServer

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Build once, then rebuild what each change affects (the changed modules and their dependents) until Ctrl-C.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "Canonical command: verify, module-tests, …") var command: String
    @Option(name: .customLong("module"), help: "A module to watch and build (repeatable; default: every module that has the command).")
    var modules: [String] = []
    @Option(parsing: .unconditional, help: "Builds at once (default: the number of CPUs; 0: unlimited).") var jobs: Int?
    @Option(help: "Milliseconds without a new change before a round starts (10 to 60000).") var debounce: Int = 200
    @Option(help: "actionable, structured or errors") var mode: WarningMode = .actionable
    @Option(help: "Write every progress event as JSON Lines to this file (- for standard error), each with the round's number as \"run\".")
    var events: String?
    @Option(name: .customLong("execution-mode"), help: "in_process, server (started when none runs) or auto (default: each round through the build server when one runs).")
    var executionMode: String?

    func validate() throws {
        do { try OrchestrationOptions.validate(jobs: jobs) } catch { throw ValidationError(error.message) }
        guard (10...60_000).contains(debounce) else { throw ValidationError("--debounce must be from 10 to 60000 milliseconds") }
        do { _ = try ExecutionMode.chosen(executionMode) } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        let stop = CancellationToken()
        StopSignals.install(stop)
        // A build script's `run` in the plan runs in this process, read as the script would read it.
        let options = OrchestrationOptions(scripts: BuildScriptRuns(), jobs: jobs, modules: modules, mode: mode)
        let layout = project.layout
        let exports: RunExports
        do {
            exports = try RunExports(RunExportPaths(events: events), projectRoot: layout.projectDir)
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
        let session = WatchSession(command: command, options: options, layout: layout, debounceMilliseconds: debounce,
                                   runRound: servedRound(layout: layout))
        let display = RoundDisplay()
        do throws(PlanBuildError) {
            try session.run(stop: stop, roundStarted: { round in
                exports.run = round.number
                writeText(Self.roundLine(round), to: 2)
                if events != "-" { display.start() }
            }, progress: { event in
                exports.observe(event)
                display.show(event)
            }, roundEnded: { round, outcome in
                display.finish()
                writeText(Self.endLine(round, outcome), to: 2)
            }, waiting: {
                writeText("planbuild watch: waiting for changes (Ctrl-C ends)\n", to: 2)
            })
        } catch {
            display.finish()
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
        if let code = StopSignals.exitCode { throw ExitCode(code) }
    }

    /// Each round through the build server when the execution mode chooses one (asked again
    /// every round: a server that went away means in process), else in this process. Cancelling
    /// the round cancels the job.
    private func servedRound(layout: ProjectLayout) -> WatchSession.RoundRunner {
        let (mode, command, projectMembers) = (executionMode, command, ServedRun.projectMembers(project))
        return { options, cancellation, progress throws(PlanBuildError) in
            guard let connection = try ExecutionMode.chosen(mode).connection() else {
                return try Orchestrator.run(command: command, options: options, layout: layout, cancellation: cancellation,
                                            progress: progress)
            }
            var members: [(String, JSONValue)] = projectMembers + [("command", .string(command)), ("mode", .string(options.mode.rawValue))]
            if let modules = options.modules, !modules.isEmpty { members.append(("modules", .array(modules.map(JSONValue.string)))) }
            if let jobs = options.jobs { members.append(("jobs", .int(jobs))) }
            let outcome = try ServedCall.run(.orchestration, request: JSONObject(members), on: connection, onEvent: { json in
                if let event = try? ProgressEvent(json: json) { progress(event) }
            }, interruption: { cancellation.isCancelled ? .cancel : nil })
            guard case .finished(let result) = outcome else {
                throw PlanBuildError(.serverUnavailable, "the build server's job was left running")
            }
            if result["status"] == "error" {
                throw PlanBuildError(.serverUnavailable, result["message"]?.stringValue ?? "the build server's run failed")
            }
            return Self.report(result, command: command)
        }
    }

    /// What the rounds' lines need of a served run's reply: each build's module and status, the duration.
    static func report(_ reply: JSONObject, command: String) -> RunReport {
        let builds = (reply["builds"]?.arrayValue ?? []).compactMap(\.objectValue).map { build in
            var report = BuildReport(module: build["module"]?.stringValue ?? "", command: command,
                                     status: build["status"]?.stringValue.flatMap(BuildReport.Status.init(rawValue:)) ?? .error)
            report.durationMilliseconds = build["duration_ms"]?.intValue ?? 0
            return report
        }
        return RunReport(command: command, builds: builds, durationMilliseconds: (reply["duration_seconds"]?.intValue ?? 0) * 1000)
    }

    /// `planbuild watch: round 2: core/src/A.java (+1 more) → core, service, web`
    static func roundLine(_ round: WatchSession.Round) -> String {
        var text = "planbuild watch: round \(round.number)"
        if let first = round.changed.first {
            text += ": " + OneLine.escape(first) + (round.changed.count > 1 ? " (+\(round.changed.count - 1) more)" : "")
        }
        if let modules = round.modules { text += " → " + modules.map(OneLine.escape).joined(separator: ", ") }
        if let reason = round.fullScanReason { text += " (whole project scanned: \(OneLine.escape(reason)))" }
        return text + "\n"
    }

    static func endLine(_ round: WatchSession.Round, _ outcome: WatchSession.Outcome) -> String {
        switch outcome {
        case .finished(let report):
            return "planbuild watch: round \(round.number) \(report.status.rawValue): " + counts(report) + "\n"
        case .restarted:
            return "planbuild watch: round \(round.number) cancelled: files changed, starting again\n"
        case .failed(let error):
            return "planbuild watch: round \(round.number) failed: \(OneLine.escape(error.message))\n"
        }
    }

    private static func counts(_ report: RunReport) -> String {
        let built = report.builds.filter { $0.status == .success }.count
        let cached = report.builds.filter { $0.status == .cached }.count
        let failed = report.builds.filter(\.failed).count
        let other = report.builds.count - built - cached - failed
        return "\(built) built, \(cached) cached, \(failed) failed" + (other > 0 ? ", \(other) skipped or cancelled" : "")
            + " in \(DurationText.format(seconds: Double(report.durationMilliseconds) / 1000))"
    }
}

/// Each round's live display, drawn from the round's thread and finished when the round ends.
private final class RoundDisplay: Sendable {
    private let current = Mutex<ProgressDisplay?>(nil)

    func start() { current.withLock { $0 = chosenDisplay() } }
    func show(_ event: ProgressEvent) { current.withLock { $0?.show(event) } }

    func finish() {
        current.withLock { display in
            display?.finish()
            display = nil
        }
    }
}
