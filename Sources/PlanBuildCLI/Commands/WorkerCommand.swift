import ArgumentParser
import PlanBuildSupport
import PlanBuildExecution
import PlanBuildRemoteExecution

/// `planbuild worker`: a Remote Workers API bot that runs a cluster's actions on this machine
/// (docs/remote-execution.md).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run actions for a remote execution cluster (a BuildGrid or other REAPI server) on this machine.",
        discussion: """
            SIGTERM or Ctrl-C stops it: no new lease is taken, running actions are cancelled (their process \
            trees ended) and handed back to the server to run elsewhere, and the bot says it is terminating.
            """)

    @Option(help: "The server's Bots and CAS endpoint, grpc://HOST:PORT.") var server: String
    @Option(help: "The REAPI instance name (default: the server's default instance).") var instance = ""
    @Option(name: .customLong("platform"),
            help: "A property this worker offers, NAME=VALUE[,VALUE…] (repeatable; e.g. tools=maven,jdk,npm). OSFamily=Linux unless given.")
    var platform: [String] = []
    @Option(help: "Actions at once.") var slots = 1
    @Option(name: .customLong("work-dir"), help: "Each action runs in a fresh folder below this one (default: $TMPDIR/planbuild-worker).")
    var workDir: String?
    @Option(help: "The worker's name in the server and in each result (default: HOSTNAME-PID).") var name: String?
    @Option(parsing: .unconditional, help: "Timeout of an action that names none, in seconds (a year at most).")
    var timeout: TimeoutOption?

    func run() throws {
        let settings: WorkerSettings
        do {
            settings = try WorkerSettings(server: server, instance: instance, platform: platform, slots: slots,
                                          workDirectory: workDir, name: name,
                                          defaultTimeoutSeconds: try timeout?.checked() ?? BuildRequest.defaultTimeout)
        } catch let error as PlanBuildError {
            throw ValidationError(error.message)
        }
        let stop = CancellationToken()
        StopSignals.install(stop)
        let code = WorkerBot.run(settings, stop: stop) { printError("planbuild worker: \($0)") }
        throw ExitCode(StopSignals.exitCode ?? code)
    }
}
