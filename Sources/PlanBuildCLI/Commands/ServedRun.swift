import ArgumentParser
import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildServer

extension ExecutionMode: ExpressibleByArgument {}

/// `run` and `orchestrate` through the build server (`--execution-mode server`, or `auto` with a
/// server running): the request the library would get, this process's environment, working
/// directory and umask; the server's result printed as in process. Ctrl-C cancels the job (unless
/// another job waits for the same build); SIGTERM, SIGHUP, SIGQUIT and a closed output pipe
/// leave it running, and the job id on standard error says where to fetch it.
enum ServedRun {
    /// The connection to use, or nil to run in process.
    static func connection(_ option: String?) throws -> ServerConnection? {
        do {
            return try ExecutionMode.chosen(option).connection()
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(error.code == .invalidRequest ? 64 : 1)
        }
    }

    /// The members that name the project, as the library's callers pass them.
    static func projectMembers(_ project: ProjectOptions) -> [(String, JSONValue)] {
        projectMembers(projectDir: project.projectDir, layout: project.layout)
    }

    /// The same for `--project-dir` (nil when not given) and the project it chose.
    static func projectMembers(projectDir: String?, layout: ProjectLayout) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let option = projectDir { members.append(("project_dir_option", .string(option))) }
        // The project found from this process's working directory, which the server's rule cannot search.
        members.append(("project_dir", .string(layout.projectDir)))
        if let base = FileSystem.environment("PLAN_BASE_DIR") { members.append(("plan_base_dir", .string(base))) }
        if let name = FileSystem.environment("PLAN_DIR_NAME") { members.append(("plan_dir_name", .string(name))) }
        return members
    }

    /// Submits and follows the job; nil when the wait was given up (the job goes on). The job id
    /// is said on standard error, unless that is the event stream (`--events -`).
    static func follow(_ kind: JobKind, request: JSONObject, on connection: ServerConnection, announce: Bool = true,
                       onEvent: (JSONObject) -> Void = { _ in }) throws -> JSONObject? {
        let outcome: ServedCall.Outcome
        do {
            outcome = try ServedCall.run(kind, request: request, on: connection, onSubmitted: { job in
                if announce { printError("planbuild: build server job \(job)") }
            }, onEvent: onEvent, interruption: {
                switch StopSignals.signal {
                case 0: return nil
                case SIGINT: return .cancel
                default: return .detach
                }
            })
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
        switch outcome {
        case .finished(let result): return result
        case .detached(let job):
            printError("planbuild: stopped waiting; job \(job) goes on in the build server (planbuild server result \(job))")
            return nil
        }
    }
}
