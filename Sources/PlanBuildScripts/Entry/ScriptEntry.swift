import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution

/// The one entry of every script PlanBuild provides: a script's name, its generation and its
/// command line in; what it prints and its exit code out. The Python scripts are one line each
/// that call this (through pb_script); argument parsing, help texts, output dialects and exit
/// codes all live here.
public enum ScriptEntry {
    /// `parseOnly`: read the command line and answer its values as data (`{"command": […],
    /// "values": {…}}`), running nothing: for a script whose work stays with its caller
    /// (orchestrate.py streams progress). Help and usage errors are answered as usual.
    /// `served`: where a `run` may send its build (the build server, by its execution mode).
    public static func run(_ invocation: ScriptInvocation, cancellation: CancellationToken? = nil, parseOnly: Bool = false,
                           served: ServedBuildRoute? = nil) -> ScriptReply {
        let call = ScriptCall(invocation: invocation, cancellation: cancellation, served: served)
        var chosen = definition(invocation.script, invocation.generation)
        if parseOnly {
            chosen = ScriptDefinition(group: chosen.group, globalOptions: chosen.globalOptions) { command, values, _ in
                ScriptReply(data: JSONObject([("command", .array(command.path.map(JSONValue.string))), ("values", .object(JSONObject(
                    values.values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })))]))
            }
        }
        return dispatch(chosen, invocation.arguments, call: call)
    }

    static func definition(_ script: ScriptName, _ generation: ScriptGeneration) -> ScriptDefinition {
        if let system = script.buildSystem { return BuildScript.definition(script, system: system, generation) }
        switch script {
        case .runConfig: return RunConfigScript.definition(generation)
        case .architecture: return ArchitectureScript.definition(generation)
        case .cache: return ToolScripts.cache()
        default: return ToolScripts.orchestrate()
        }
    }

    /// argparse's behaviour: global options, the subcommand words, `-h`, then the command's options.
    static func dispatch(_ definition: ScriptDefinition, _ arguments: [String], call: ScriptCall) -> ScriptReply {
        let group = definition.group
        var words = arguments
        var globals = ScriptValues()
        if !definition.globalOptions.isEmpty {
            let global = ScriptCommand([], summary: "", options: definition.globalOptions)
            var leading: [String] = []
            while let first = words.first, first.hasPrefix("--"), first != "--help",
                  let option = global.option(String(first.prefix { $0 != "=" })) {
                leading.append(words.removeFirst())
                if option.kind != .flag, !first.contains("="), !words.isEmpty { leading.append(words.removeFirst()) }
            }
            do {
                globals = try ScriptArgumentParser.parse(leading, global)
            } catch {
                return .usage(group.usage(prog: call.prog), prog: call.prog, error)
            }
        }
        var prefix: [String] = []
        while true {
            let choices = group.choices(prefix)
            if choices.isEmpty { break }
            guard let word = words.first else {
                if prefix.isEmpty, words.isEmpty, arguments.isEmpty || !globals.values.isEmpty || definition.globalOptions.isEmpty {
                    return .usage(group.usage(prog: call.prog, prefix: prefix), prog: call.prog,
                                  ScriptUsageError("the following arguments are required: command"))
                }
                return .usage(group.usage(prog: call.prog, prefix: prefix), prog: call.prog,
                              ScriptUsageError("the following arguments are required: \(prefix.isEmpty ? "command" : "verb")"))
            }
            if word == "-h" || word == "--help" { return .printed(group.help(prog: call.prog, prefix: prefix)) }
            guard choices.contains(word) else {
                return .usage(group.usage(prog: call.prog, prefix: prefix), prog: call.prog,
                              ScriptUsageError("argument \(prefix.isEmpty ? "command" : "verb"): invalid choice: '\(word)' (choose from \(choices.map { "'\($0)'" }.joined(separator: ", ")))"))
            }
            prefix.append(word)
            words.removeFirst()
            if group.commands.contains(where: { $0.path == prefix }) { break }
        }
        guard let command = group.commands.first(where: { $0.path == prefix }) else {
            return .usage(group.usage(prog: call.prog), prog: call.prog, ScriptUsageError("unknown command"))
        }
        if words.contains("-h") || words.contains("--help") { return .printed(command.help(prog: call.prog)) }
        var values: ScriptValues
        do {
            values = try ScriptArgumentParser.parse(words, command)
        } catch {
            return .usage(command.usage(prog: call.prog), prog: call.prog, error)
        }
        for (key, value) in globals.values where values.values[key] == nil { values.values[key] = value }
        return definition.handle(command, values, call)
    }
}
