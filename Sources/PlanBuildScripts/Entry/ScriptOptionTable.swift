import PlanBuildSupport
import PlanBuildModel

/// A subcommand's option table as data, for a caller that builds its own parser over it
/// (plan-marshall's argparse registrations: `gradle._register_find_project`, `_build_cli.build_main`).
/// The table stays this layer's; the caller's parser mirrors it and hands the words back here.
extension ScriptEntry {
    /// The subcommand's summary and its options (those taken before the subcommand first); nil when
    /// the script has no subcommand `path` in this generation.
    public static func options(of script: ScriptName, _ generation: ScriptGeneration,
                               command path: [String]) -> (summary: String, options: [ScriptOption])? {
        let chosen = definition(script, generation)
        guard let command = chosen.group.commands.first(where: { $0.path == path }) else { return nil }
        return (command.summary, chosen.globalOptions + command.options)
    }
}

extension ScriptOption {
    /// `flags`, `dest`, `kind` (text, integer, choice, flag, repeated), `choices` (a choice's),
    /// `metavar`, `help`, `required` and `default` (null when the option stands for nothing absent).
    public var described: JSONObject {
        let kindName: String
        var choices: [String] = []
        switch kind {
        case .text: kindName = "text"
        case .integer: kindName = "integer"
        case .choice(let allowed): kindName = "choice"; choices = allowed
        case .flag: kindName = "flag"
        case .repeated: kindName = "repeated"
        }
        let absent: JSONValue = kind == .flag ? .bool(false) : .null
        return JSONObject([("flags", .array(flags.map(JSONValue.string))), ("dest", .string(dest)), ("kind", .string(kindName)),
                           ("choices", .array(choices.map(JSONValue.string))), ("metavar", .string(metavar)), ("help", .string(help)),
                           ("required", .bool(required)), ("default", defaultValue.map(JSONValue.string) ?? absent)])
    }
}
