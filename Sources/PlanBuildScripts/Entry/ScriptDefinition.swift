import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution

/// What one script is: its subcommands (for help and parsing), options that come before the
/// subcommand, and the handler that answers a parsed command line.
struct ScriptDefinition {
    let group: ScriptCommandGroup
    /// Options given before the subcommand (`architecture.py --project-dir D modules`).
    var globalOptions: [ScriptOption] = []
    let handle: (ScriptCommand, ScriptValues, ScriptCall) -> ScriptReply
}

/// Options several scripts share, written once.
enum CommonOptions {
    static let format = ScriptOption(["--format"], dest: "format", .choice(["toon", "json"]), help: "Output format (default: toon).")
    static let projectDir = ScriptOption(["--project-dir"], dest: "project_dir", metavar: "DIR",
                                         help: "The project (default: the current directory).", defaultValue: ".")
    static let planId = ScriptOption(["--plan-id"], dest: "plan_id", metavar: "ID",
                                     help: "The plan this call belongs to (default \(ScriptPlace.noPlan)).")
    static let executionMode = ScriptOption(["--execution-mode"], dest: "execution_mode",
                                            .choice(ExecutionMode.allCases.map(\.rawValue)),
                                            help: "Where the build runs: in_process, server (started when none runs) or auto (default: the build server when one runs).")

    /// `--plan-id` and `--project-dir` in today's generation, `--project-dir` alone in the contract's.
    static func routing(_ generation: ScriptGeneration) -> [ScriptOption] {
        generation == .today ? [planId, projectDir] : [projectDir]
    }
}
