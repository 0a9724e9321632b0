import ArgumentParser
import PlanBuildABI
import PlanBuildSupport
import PlanBuildPresentation
import PlanBuildServer

/// `planbuild server run|start|stop|drain|status|list|result|cancel`: the user's build server
/// (docs/server.md).
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "The build server: one per user per machine, one queue of builds for every agent (docs/server.md).",
        subcommands: [ServerRun.self, ServerStart.self, ServerStop.self, ServerDrain.self, ServerStatus.self, ServerList.self,
                      ServerResult.self, ServerCancel.self])
}

/// Options of the commands that start a server.
struct SlotOptions: ParsableArguments {
    @Option(name: .customLong("max-slots"), help: "Builds at once on this machine (default: server.max_slots of the config file, else the number of cores).")
    var maxSlots: Int?

    func validate() throws {
        if let maxSlots, !(1...1024).contains(maxSlots) { throw ValidationError("--max-slots must be from 1 to 1024") }
    }

    var configuration: ServerConfiguration {
        var loaded = ServerConfiguration.load()
        if let maxSlots { loaded = ServerConfiguration(maximumSlots: maxSlots) }
        return loaded
    }

    var arguments: [String] { maxSlots.map { ["--max-slots", String($0)] } ?? [] }
}

struct ServerRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the build server in the foreground (SIGTERM or Ctrl-C stops it).")
    @OptionGroup var slots: SlotOptions

    func run() throws {
        let status = BuildServer.run(.resolve(), configuration: slots.configuration, runner: ServedJobs())
        if status != 0 { throw ExitCode(status) }
    }
}

struct ServerStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start the build server in the background unless one runs.")
    @OptionGroup var slots: SlotOptions
    @Flag(help: "Print nothing.") var quiet = false

    func run() throws {
        let directory = RuntimeDirectory.resolve()
        do {
            switch try ServerLauncher.start(directory, extraArguments: slots.arguments) {
            case .started(let pid): if !quiet { printOutput("started the build server (pid \(pid)) at \(directory.socket)") }
            case .alreadyRunning: if !quiet { printOutput("the build server already runs at \(directory.socket)") }
            }
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}

struct ServerStop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop the build server: nothing new starts, running builds are cancelled cleanly.")
    @Option(help: "Seconds to wait for the server to end.") var timeout: Int = 30

    func run() throws { try ServerControl.end(drain: false, waitSeconds: timeout) }
}

struct ServerDrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Take no new job; the server ends once the accepted ones have finished.")
    @Option(help: "Seconds to wait for the server to end (0: do not wait).") var wait: Int = 0

    func run() throws { try ServerControl.end(drain: true, waitSeconds: wait) }
}

struct ServerStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Slots in use, the queue per project, running builds and totals since start.")
    @Option(help: "toon or json") var format: ResultFormatter.Format = .toon

    func run() throws {
        let directory = RuntimeDirectory.resolve()
        let connection = try ServerControl.connect(directory, required: false)
        guard let connection else {
            switch format {
            case .toon: printOutput("state\tnot running\nsocket\t\(OneLine.escape(directory.socket))")
            case .json: printOutput(JSONWriter.write(.object(JSONObject([("state", "not running"), ("socket", .string(directory.socket))])), indent: 2))
            }
            throw ExitCode(3)
        }
        guard case .status(var status) = try ServerControl.ask(connection, .status) else { throw ExitCode(1) }
        status["op"] = nil
        status["seq"] = nil
        switch format {
        case .toon: printOutput(ServerStatusText.toon(status))
        case .json: printOutput(JSONWriter.write(.object(status), indent: 2))
        }
    }
}

struct ServerList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The server's jobs: queued, running and finished (kept a day).")
    @Option(help: "toon or json") var format: ResultFormatter.Format = .toon

    func run() throws {
        guard let connection = try ServerControl.connect(.resolve(), required: true),
              case .jobs(let jobs) = try ServerControl.ask(connection, .list) else { throw ExitCode(1) }
        switch format {
        case .toon: printOutput(ServerStatusText.jobs(jobs))
        case .json: printOutput(JSONWriter.write(.array(jobs.map(JSONValue.object)), indent: 2))
        }
    }
}

struct ServerResult: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result", abstract: "A job's result (as `run` or `orchestrate` prints it), waiting for it up to --wait seconds.")
    @Argument(help: "The job id (printed when the job was submitted; `planbuild server list`).") var job: String
    @Option(help: "Seconds to wait while the job runs (0: answer at once).") var wait: Double = 0
    @Option(help: "toon or json") var format: ResultFormatter.Format = .toon

    func validate() throws {
        guard JobID.isValid(job) else { throw ValidationError("'\(job)' is not a job id") }
        guard (0...86_400).contains(wait) else { throw ValidationError("--wait must be from 0 to 86400 seconds") }
    }

    func run() throws {
        guard let connection = try ServerControl.connect(.resolve(), required: true) else { throw ExitCode(1) }
        let reply = try ServerControl.ask(connection, .wait(job: job, seconds: wait), seconds: Int(wait) + 30)
        switch reply {
        case .result(_, let result):
            printOutput(ServerStatusText.result(result, format: format))
            let status = result["status"]?.stringValue
            if status != "success" && status != "cached" { throw ExitCode(1) }
        case .running(_, let state, let elapsed, let eta):
            printOutput("state\t\(state.rawValue)\nelapsed_seconds\t\(elapsed)\neta_seconds\t\(eta.map { String($0) } ?? "unknown")")
            throw ExitCode(2)
        default:
            throw ExitCode(1)
        }
    }
}

struct ServerCancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a job: its builds end unless another job waits for the same build.")
    @Argument(help: "The job id.") var job: String

    func validate() throws { guard JobID.isValid(job) else { throw ValidationError("'\(job)' is not a job id") } }

    func run() throws {
        guard let connection = try ServerControl.connect(.resolve(), required: true),
              case .cancelled(_, let state) = try ServerControl.ask(connection, .cancel(job: job)) else { throw ExitCode(1) }
        printOutput("cancelled\t\(job)\nwas\t\(state.rawValue)")
    }
}

/// What the server commands share: connecting, asking, ending.
enum ServerControl {
    static func connect(_ directory: RuntimeDirectory, required: Bool) throws -> ServerConnection? {
        do {
            if let connection = try ServerConnection.open(directory) { return connection }
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
        if required {
            printError("error: no build server runs at \(directory.socket) (planbuild server start)")
            throw ExitCode(3)
        }
        return nil
    }

    /// The reply to one message; an error reply is printed and ends the command.
    static func ask(_ connection: ServerConnection, _ operation: ClientMessage.Operation, seconds: Int = 30) throws -> ServerMessage.Reply {
        let reply: ServerMessage.Reply
        do {
            reply = try connection.request(operation, milliseconds: seconds * 1000)
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
        if case .error(let error) = reply {
            printError("error: \(error.code.rawValue): \(error.message)")
            throw ExitCode(1)
        }
        return reply
    }

    /// `stop` / `drain`, then (when asked) waits until the server has let go of its socket.
    static func end(drain: Bool, waitSeconds: Int) throws {
        let directory = RuntimeDirectory.resolve()
        guard let connection = try connect(directory, required: false) else {
            printOutput("no build server runs at \(directory.socket)")
            return
        }
        _ = try ask(connection, drain ? .drain : .stop)
        let deadline = MonotonicClock.milliseconds() + waitSeconds * 1000
        // The server closes every connection as it ends.
        while MonotonicClock.milliseconds() < deadline {
            do {
                _ = try connection.receive(milliseconds: max(1, deadline - MonotonicClock.milliseconds()))
            } catch {
                printOutput(drain ? "drained; the build server has ended" : "the build server has stopped")
                return
            }
        }
        if waitSeconds > 0 {
            printError("error: the build server has not ended within \(waitSeconds) s")
            throw ExitCode(1)
        }
        printOutput("draining: the build server ends when its accepted jobs have finished")
    }
}
