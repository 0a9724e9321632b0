import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildOrchestration
import PlanBuildPresentation

/// The one table of a build run's options: the build scripts' `run` (both generations), the
/// command lines of orchestrated builds (`… execute-script.py <notation> run …`) and
/// `planbuild run` all read their options from here and turn them into a BuildRequest here.
public enum BuildRunOptions {
    /// Who reads the options: a script of a generation, or the CLI (which names the tool with
    /// `--system` and also accepts `--args`).
    public enum Reader: Sendable, Equatable {
        case script(ScriptGeneration)
        case cli
    }

    public static func options(_ reader: Reader) -> [ScriptOption] {
        var argsFlags = ["--command-args", "--commandArgs"]
        switch reader {
        case .script(.spec): argsFlags = ["--commandArgs", "--command-args"]
        case .script(.today): break
        case .cli: argsFlags = ["--args", "--command-args", "--commandArgs"]
        }
        var options: [ScriptOption] = []
        if reader == .cli {
            options.append(ScriptOption(["--system"], dest: "system", .choice(BuildSystem.allCases.map(\.rawValue)),
                                        help: "The build tool.", required: true))
        }
        options += [
            ScriptOption(argsFlags, dest: "command_args", metavar: "ARGS",
                         help: "The tool's arguments, e.g. \"verify -pl core\" (routing options included).", required: true),
            ScriptOption(["--format"], dest: "format", .choice(["toon", "json"]), help: "Output format (default: toon)."),
            ScriptOption(["--mode"], dest: "mode", .choice(WarningMode.allCases.map(\.rawValue)),
                         help: "Which warnings to show: actionable (default), structured (all, accepted ones marked) or errors (none)."),
            ScriptOption(["--timeout"], dest: "timeout", .integer, metavar: "SECONDS",
                         help: "Seconds to start from when nothing was learned yet (default \(BuildRequest.defaultTimeout); a year at most)."),
            ScriptOption(["--project-dir"], dest: "project_dir", metavar: "DIR", help: "The project to build (default: the current directory)."),
        ]
        if reader == .script(.today) {
            options.append(ScriptOption(["--plan-id"], dest: "plan_id", metavar: "ID",
                                        help: "The plan the build belongs to: its log goes to the plan's build-results (default \(ScriptPlace.noPlan))."))
        }
        options += [
            ScriptOption(["--env"], dest: "env", metavar: "\"NAME=value ...\"", help: "Variables set for the build, on top of the inherited ones."),
            ScriptOption(["--working-dir"], dest: "working_dir", metavar: "DIR", help: "Run the tool in this folder of the project (a nested frontend)."),
            ScriptOption(["--junit"], dest: "junit", metavar: "FILE", help: "Also write the build as JUnit XML to FILE."),
            ScriptOption(["--sarif"], dest: "sarif", metavar: "FILE", help: "Also write every error and warning as SARIF 2.1.0 to FILE."),
            CommonOptions.executionMode,
        ]
        return options
    }

    /// The `run` subcommand of a build script, for help and parsing.
    public static func command(_ reader: Reader, tool: String) -> ScriptCommand {
        ScriptCommand(["run"], summary: "Run a \(tool.isEmpty ? "" : tool + " ")build; its log is parsed when it fails (primary API).", options: options(reader))
    }

    /// A run's options once read.
    public struct Values: Equatable, Sendable {
        public var commandArgs: String
        public var format: ResultFormatter.Format = .toon
        public var mode: WarningMode?
        public var timeoutSeconds: Int?
        public var projectDir: String?
        public var planId: String?
        public var environment: [BuildInvocation.EnvironmentEntry] = []
        public var workingDirectory: String?
        public var exports = RunExportPaths()
        /// `in_process`, `server` or `auto` as typed; nil: the environment's, else auto (ExecutionMode).
        public var executionMode: String?

        public init(commandArgs: String) { self.commandArgs = commandArgs }
    }

    /// The values of a parsed command line; a zero `--timeout` or a malformed `--env` is a usage error.
    public static func values(_ parsed: ScriptValues) throws(ScriptUsageError) -> Values {
        var values = Values(commandArgs: parsed.string("command_args") ?? "")
        values.format = parsed.string("format").flatMap(ResultFormatter.Format.init(rawValue:)) ?? .toon
        values.mode = parsed.string("mode").flatMap(WarningMode.init(rawValue:))
        if let seconds = parsed.int("timeout") {
            do {
                values.timeoutSeconds = try TimeoutLimits.checked(seconds, "argument --timeout")
            } catch {
                throw ScriptUsageError(error.message)
            }
        }
        values.projectDir = parsed.string("project_dir")
        values.planId = parsed.string("plan_id")
        if let text = parsed.string("env") {
            do {
                values.environment = try ProcessEnvironment.assignments(text).map { .init(name: $0.name, value: $0.value) }
            } catch {
                throw ScriptUsageError("argument --env: \(error.message)")
            }
        }
        values.workingDirectory = parsed.string("working_dir")
        values.exports = RunExportPaths(junit: parsed.string("junit"), sarif: parsed.string("sarif"))
        values.executionMode = parsed.string("execution_mode")
        return values
    }

    /// Reads `words` (what follows `run`) with the table; a usage error names what is wrong.
    public static func parse(_ words: [String], _ reader: Reader) throws(ScriptUsageError) -> Values {
        try values(try ScriptArgumentParser.parse(words, command(reader, tool: "")))
    }

    /// The build a run's values ask for, capped like every `run` (20 errors, 10 warnings).
    public static func request(_ values: Values, system: BuildSystem, layout: ProjectLayout) -> BuildRequest {
        var request = BuildRequest(system: system, commandArgs: values.commandArgs, layout: layout,
                                   defaultTimeoutSeconds: values.timeoutSeconds ?? BuildRequest.defaultTimeout,
                                   mode: values.mode ?? .actionable)
        request.limitLikeRun()
        request.environmentOverrides = values.environment.map { ($0.name, $0.value) }
        request.workingDirectory = values.workingDirectory
        return request
    }
}
