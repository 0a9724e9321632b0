import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildCache

/// One orchestrated run's use of a remote execution cluster: the connection, and what went wrong.
///
/// The cluster is an optimisation of where builds run, never a reason for a build to fail: a
/// server that cannot be reached (at the start or in the middle of a run), a call past its
/// deadline or an answer that does not check out makes the build run here instead, and the run
/// reports one warning line. The first sign that the server is gone (unreachable, deadline,
/// UNAVAILABLE) stops all further calls of the run, so a dead server costs one deadline, not one
/// per module. Thread-safe: the builds of a run use it at once.
package final class RemoteExecutionRun: @unchecked Sendable {
    package let settings: RemoteExecutionSettings
    let client: REAPIClient
    let layout: ProjectLayout
    let hasher: ContentHasher
    private let monitor = Monitor()
    // Guarded by `monitor`.
    private var problems: [String] = []
    private var down = false

    /// Loads the gRPC plugin and names the server; nothing is asked of it yet.
    package init(settings: RemoteExecutionSettings, layout: ProjectLayout, hasher: ContentHasher) throws(PlanBuildError) {
        guard RemoteExecutionSettings.isGrpcURL(settings.url) else {
            throw PlanBuildError(.invalidValue, "the remote execution URL must start with grpc:// (given: \(settings.url))")
        }
        do {
            self.client = REAPIClient(channel: try GrpcChannel(target: settings.url), instanceName: settings.instance,
                                      callDeadlineSeconds: settings.timeoutSeconds)
        } catch {
            throw PlanBuildError(.cacheUnavailable, "\(error)")
        }
        self.settings = settings
        self.layout = layout
        self.hasher = hasher
    }

    /// One line for the run's warnings, or nil when all went well.
    package var warning: String? {
        monitor.withLock {
            guard let first = problems.first else { return nil }
            let more = problems.count > 1 ? " (and \(problems.count - 1) more remote execution problem\(problems.count == 2 ? "" : "s"))" : ""
            return "remote execution: \(first); built locally\(more)"
        }
    }

    /// Every problem noted so far (tests; the run reports `warning`).
    package var noted: [String] { monitor.withLock { problems } }

    /// The server was given up on: every build from now on runs here.
    package var isDown: Bool { monitor.withLock { down } }

    func note(_ problem: String, serverGone: Bool = false) {
        monitor.withLock {
            // After the server was given up on, nothing more is asked: nothing more to say.
            if down && serverGone { return }
            problems.append(problem)
            if serverGone { down = true }
        }
    }

    /// Where one build's process runs: `inputs` what it reads, `systems` its build tools,
    /// `remainingPathMilliseconds` the longest chain of learned durations it starts (the
    /// critical-path order local builds start in).
    package func launcher(inputs: ActionInputs, systems: [BuildSystem], remainingPathMilliseconds: Int) -> RemoteBuildLauncher {
        RemoteBuildLauncher(run: self, inputs: inputs, tools: RemoteAction.tools(for: systems),
                            priority: Self.priority(remainingPathMilliseconds: remainingPathMilliseconds))
    }

    /// REAPI's priority, where lower runs sooner and 0 is the default: minus the remaining path
    /// in whole seconds, so the server starts the longest chain first too.
    static func priority(remainingPathMilliseconds: Int) -> Int32 {
        -Int32(clamping: max(0, remainingPathMilliseconds) / 1000)
    }
}

extension RemoteExecutionError {
    /// The server is not there or not answering: nothing more is asked of it this run.
    var meansServerGone: Bool {
        switch code {
        case .unreachable, .deadline: return true
        case .server(let status): return status == GrpcStatusCode.unavailable.rawValue
        default: return false
        }
    }
}
