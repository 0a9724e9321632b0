import PlanBuildSupport
import PlanBuildModel

/// architecture.py: questions about the project's modules (derived-data.json), answered from the
/// same core queries as pb_resolve / pb_query. Its lines are TOON in both generations.
enum ArchitectureScript {
    static func definition(_ generation: ScriptGeneration) -> ScriptDefinition {
        let name = ScriptOption(["--name", "--module"], dest: "name", metavar: "MODULE", help: "The module (default: the root module).")
        let commandOption = ScriptOption(["--command"], dest: "command", metavar: "COMMAND", help: "A canonical command (verify, quality-gate, …).")
        let full = ScriptOption(["--full"], dest: "full", .flag, help: "Accepted for compatibility; every field is shown.")
        let commands = [
            ScriptCommand(["resolve"], summary: "The executable a module runs for a command.",
                          options: [ScriptOption(["--command"], dest: "command", metavar: "COMMAND", help: "A canonical command.", required: true),
                                    name, CommonOptions.projectDir]),
            ScriptCommand(["modules"], summary: "Module names (those that provide --command).", options: [commandOption, CommonOptions.projectDir]),
            ScriptCommand(["commands"], summary: "The canonical commands of a module.", options: [name, CommonOptions.projectDir]),
            ScriptCommand(["module"], summary: "One module's paths and commands.", options: [name, full, CommonOptions.projectDir]),
            ScriptCommand(["graph"], summary: "The internal module graph.",
                          options: [ScriptOption(["--format"], dest: "format", .choice(["toon", "json", "dot"]), help: "Output format (default: toon)."),
                                    CommonOptions.projectDir]),
        ]
        let group = ScriptCommandGroup(description: "Project architecture queries (PlanBuild)", commands: commands)
        return ScriptDefinition(group: group, globalOptions: [CommonOptions.projectDir]) { command, values, call in
            answer(command.path[0], values, call: call)
        }
    }

    static func answer(_ what: String, _ values: ScriptValues, call: ScriptCall) -> ScriptReply {
        let layout = call.layout(projectDir: values.string("project_dir"))
        do {
            switch what {
            case "resolve":
                return .printed(try CommandResolver.resolve(command: values.string("command") ?? "", module: values.string("name"), in: layout).text)
            case "modules":
                return .printed(try ArchitectureQuery.modules(providing: values.string("command"), in: layout).text)
            case "commands":
                return .printed(try ArchitectureQuery.commands(of: values.string("name"), in: layout).text)
            case "module":
                return .printed(try ArchitectureQuery.module(values.string("name"), in: layout).text)
            default:
                let graph = ModuleGraph(try ProjectArchitecture.load(layout))
                switch values.string("format") ?? "toon" {
                case "json": return .printed(graph.text(.json))
                case "dot": return .printed(graph.text(.dot))
                default: return .printed(graph.text(.toon))
                }
            }
        } catch {
            return ScriptReply(stderr: "error: \(OneLine.escape(error.message))\n", exitCode: 1)
        }
    }
}
