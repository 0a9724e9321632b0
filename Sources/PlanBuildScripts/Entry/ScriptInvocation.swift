import PlanBuildSupport
import PlanBuildModel

/// One call of a script: which script, in which generation's dialect, its command line, and the
/// surroundings it reads (environment variables, current directory).
public struct ScriptInvocation: Sendable {
    public var script: ScriptName
    public var generation: ScriptGeneration
    public var arguments: [String]
    /// The variables the script's process sees that change its behaviour: PLAN_BASE_DIR,
    /// PLAN_DIR_NAME, XDG_CONFIG_HOME, HOME. Others are ignored.
    public var environment: [String: String]
    /// The directory relative paths are read against (the caller's current directory).
    public var workingDirectory: String

    public init(script: ScriptName, generation: ScriptGeneration, arguments: [String],
                environment: [String: String] = [:], workingDirectory: String = ".") {
        self.script = script
        self.generation = generation
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory.isEmpty ? "." : workingDirectory
    }

    /// A variable's value; an empty one counts as absent.
    func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// `path` as seen from the working directory (absolute paths stay as they are).
    func resolved(_ path: String) -> String {
        path.hasPrefix("/") || workingDirectory == "." ? path : FileSystem.join(workingDirectory, path)
    }

    /// The name usage lines show: `maven.py`.
    var prog: String { script.fileName }
}

/// What a script printed and how it ended, as its process would have.
public struct ScriptReply: Sendable, Equatable {
    public var stdout: String
    public var stderr: String
    public var exitCode: Int
    /// The answer as data before it was printed: a `run`'s build result, a run_config answer
    /// (what Python's `cmd_*` handlers return); nil where there is none.
    public var data: JSONObject?

    public init(stdout: String = "", stderr: String = "", exitCode: Int = 0, data: JSONObject? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
        self.data = data
    }

    /// A command line the script refuses: argparse's two lines on stderr and exit code 2.
    static func usage(_ usage: String, prog: String, _ error: ScriptUsageError) -> ScriptReply {
        ScriptReply(stderr: "\(usage)\n\(prog): error: \(error.message)\n", exitCode: 2)
    }

    /// Text on stdout, with the line break a print() ends it with.
    static func printed(_ text: String, exitCode: Int = 0, stderr: String = "") -> ScriptReply {
        ScriptReply(stdout: text.isEmpty || text.hasSuffix("\n") ? text : text + "\n", stderr: stderr, exitCode: exitCode)
    }
}
