import ArgumentParser
import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildConfiguration
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildServer

/// `orchestrate` through the build server as its command line asked for it: the pb_run request
/// sent, the server's events drawn here, its report printed as in process. OrchestrateCommand
/// fills it from its parsed options; QuickOrchestrate from the arguments themselves.
struct ServedOrchestration {
    var projectDir: String?
    var command: String
    var modules: [String] = []
    var jobs: Int?
    var sequential = false
    var stopOnFailure = false
    var timeoutSeconds: Int?
    var format: ResultFormatter.Format?
    var mode: WarningMode = .actionable
    var noCache = false
    var forced: [String] = []
    var remoteCache: String?
    var remoteCacheWrite = false
    var remoteExecution: String?
    var remoteInstance: String?
    var exports = RunExportPaths()
    /// `--affected` and its refs as pb_run members (AffectedOptions.members).
    var affectedMembers: [(String, JSONValue)] = []
    /// `--dry-run`: the server decides with its warm file watcher; nothing runs, no event comes.
    var dryRun = false

    init(projectDir: String?, command: String) {
        self.projectDir = projectDir
        self.command = command
    }

    var layout: ProjectLayout { ProjectOptions.layout(projectDir: projectDir) }

    /// pb_run's request for this run.
    var request: JSONObject {
        var members: [(String, JSONValue)] = ServedRun.projectMembers(projectDir: projectDir, layout: layout) + [
            ("command", .string(command)), ("sequential", .bool(sequential)), ("stop_on_failure", .bool(stopOnFailure)),
            ("mode", .string(mode.rawValue)), ("format", .string((format ?? .toon).rawValue)), ("cache", .bool(!noCache)),
            ("remote_cache_write", .bool(remoteCacheWrite)),
            // Only the text is printed here.
            ("text_only", .bool(true)),
        ]
        if !modules.isEmpty { members.append(("modules", .array(modules.map(JSONValue.string)))) }
        if let jobs { members.append(("jobs", .int(jobs))) }
        if let timeoutSeconds { members.append(("timeout", .int(timeoutSeconds))) }
        if !forced.isEmpty { members.append(("force", .array(forced.map(JSONValue.string)))) }
        members += affectedMembers
        if dryRun { members.append(("dry_run", .bool(true))) }
        for (key, value) in [("remote_cache", remoteCache), ("remote_execution", remoteExecution), ("remote_instance", remoteInstance),
                             ("events", exports.events), ("trace", exports.trace),
                             ("junit", exports.junit), ("sarif", exports.sarif)] {
            if let value { members.append((key, .string(value))) }
        }
        return JSONObject(members)
    }

    func run(on connection: ServerConnection) throws {
        StopSignals.install(CancellationToken())
        let events = exports.events
        let display = events == "-" || dryRun ? nil : chosenDisplay()
        defer { display?.finish() }
        // The events file and the other exports are the server's to write; "-" is this process's standard error.
        let standardError = events == "-" ? try? RunExports(RunExportPaths(events: "-"), projectRoot: layout.projectDir) : nil
        guard let reply = try ServedRun.follow(.orchestration, request: request, on: connection,
                                               announce: events != "-", onEvent: { json in
            guard let event = try? ProgressEvent(json: json) else { return }
            standardError?.observe(event)
            display?.show(event)
        }) else {
            display?.finish()
            throw ExitCode(StopSignals.exitCode ?? 1)
        }
        display?.finish()
        if reply["status"] == "error" {
            printError("error: \(reply["message"]?.stringValue ?? reply["error"]?.stringValue ?? "the run failed")")
            throw ExitCode(1)
        }
        if StopSignals.signal != SIGPIPE { printOutput(reply["text"]?.stringValue ?? "") }
        if let code = StopSignals.exitCode { throw ExitCode(code) }
        if reply["status"] != "success" { throw ExitCode(1) }
    }
}
