import PlanBuildSupport
import PlanBuildModel

/// Where a build's process may start. In process there is no gate: a build starts at once. The
/// build server gives every build it runs a gate of its own: the build waits for one of the
/// machine's slots, and a build that equals one already queued or running joins it instead of
/// starting a second process.
public protocol BuildGate: Sendable {
    /// Runs `work` once the build may start — on a thread of the gate's, with a token that fires
    /// only when no caller waits for the build any more — or hands back the result of the same
    /// build started for another caller. `started` is called when the build runs for this caller
    /// (it started, or this caller joined it while it ran). nil: `cancellation` fired before a
    /// result came; the build itself goes on when another caller still waits for it.
    func run(_ build: GatedBuild, cancellation: CancellationToken?, started: @escaping @Sendable () -> Void,
             work: @escaping @Sendable (CancellationToken) -> BuildResult) -> BuildResult?
}

/// A build as a gate sees it.
public struct GatedBuild: Sendable {
    /// The project's folder, absolute: builds queue per project.
    package let project: String
    /// Everything that makes two builds of one project the same build (command line, options,
    /// environment, file mask); see `GatedBuild.identity`.
    package let identity: String
    /// The build cache's digest of the build's inputs, when it computed one: a build that already
    /// runs is joined only when its inputs are known to be the same.
    package let inputDigest: String?
    /// What a person sees for it: the module, or the command.
    package let label: String
    /// Among the queued builds of one run, the larger starts first (the critical path).
    package let priority: Int
    /// The duration learned for it, for a waiting caller's estimate.
    package let expectedMilliseconds: Int?

    package init(project: String, identity: String, inputDigest: String?, label: String, priority: Int = 0,
                expectedMilliseconds: Int? = nil) {
        self.project = project
        self.identity = identity
        self.inputDigest = inputDigest
        self.label = label
        self.priority = priority
        self.expectedMilliseconds = expectedMilliseconds
    }

    /// Variables that describe a terminal or a login session rather than a build: two agents in
    /// different terminals asking for the same build still share it.
    static let sessionVariables: Set<String> = [
        "_", "PWD", "OLDPWD", "SHLVL", "TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "TERM_SESSION_ID", "COLORTERM",
        "COLUMNS", "LINES", "WINDOWID", "TMUX", "TMUX_PANE", "STY", "WINDOW", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY",
        "SSH_AUTH_SOCK", "SSH_AGENT_PID", "GPG_TTY", "XDG_SESSION_ID", "XDG_SESSION_TYPE", "XDG_VTNR", "PS1", "PS2",
        "PROMPT_COMMAND", "HISTFILE", "LS_COLORS", "MAIL",
    ]

    /// One text of the parts (joined by NUL, which no part can hold) and the environment the build
    /// gets, sorted and without the session variables.
    package static func identity(_ parts: [String], environment: [String]?, fileMask: Int?) -> String {
        let variables = (environment ?? ProcessEnvironment.current()).filter { entry in
            let name = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? entry
            return !sessionVariables.contains(name)
        }.sorted()
        return (parts + ["umask=\(fileMask.map { String($0, radix: 8) } ?? "inherited")"] + variables).joined(separator: "\u{0}")
    }
}
