import PlanBuildSupport

/// One option of a script's command line: its spellings, the name its value is stored under, what
/// it takes, and the line `--help` shows.
public struct ScriptOption: Sendable {
    public enum Kind: Sendable, Equatable {
        case text
        case integer
        case choice([String])
        /// No value: present or absent.
        case flag
        /// A value each time it is given, collected in order.
        case repeated
    }

    public let flags: [String]
    public let dest: String
    public let kind: Kind
    public let metavar: String
    public let help: String
    public var required: Bool
    /// The value a command line without this option stands for, as argparse's `default=` would
    /// show it to a caller that reads the parsed values (nil: absent, which is null).
    public let defaultValue: String?

    public init(_ flags: [String], dest: String, _ kind: Kind = .text, metavar: String = "", help: String,
                required: Bool = false, defaultValue: String? = nil) {
        self.flags = flags
        self.dest = dest
        self.kind = kind
        self.metavar = metavar.isEmpty ? dest.uppercased() : metavar
        self.help = help
        self.required = required
        self.defaultValue = defaultValue
    }

    /// How usage lines show it: `--format {toon,json}`, `--timeout N`, `--force`.
    var usageForm: String {
        switch kind {
        case .flag: return flags[0]
        case .choice(let choices): return "\(flags[0]) {\(choices.joined(separator: ","))}"
        case .text, .integer, .repeated: return "\(flags[0]) \(metavar)"
        }
    }

    /// Every spelling with its value, as the option list of `--help` shows them.
    var helpForm: String {
        flags.map { flag in
            switch kind {
            case .flag: return flag
            case .choice(let choices): return "\(flag) {\(choices.joined(separator: ","))}"
            case .text, .integer, .repeated: return "\(flag) \(metavar)"
            }
        }.joined(separator: ", ")
    }
}

/// A subcommand of a script (`run`, `timeout get`, …): its options and the rules between them.
public struct ScriptCommand: Sendable {
    /// The words that select it after the program name (`["timeout", "get"]`).
    public let path: [String]
    public let summary: String
    public var options: [ScriptOption]
    /// Options of which at most one may be given; with `required`, exactly one.
    public var exclusive: [(dests: [String], required: Bool)]

    public init(_ path: [String], summary: String, options: [ScriptOption],
                exclusive: [(dests: [String], required: Bool)] = []) {
        self.path = path
        self.summary = summary
        self.options = options
        self.exclusive = exclusive
    }

    public func option(_ flag: String) -> ScriptOption? {
        options.first { $0.flags.contains(flag) }
    }

    /// `usage: maven.py run [-h] --command-args ARGS [--format {toon,json}] …`
    public func usage(prog: String) -> String {
        var parts = ["usage: \(([prog] + path).joined(separator: " ")) [-h]"]
        for option in options {
            parts.append(option.required ? option.usageForm : "[\(option.usageForm)]")
        }
        return parts.joined(separator: " ")
    }

    /// What `--help` prints: usage, summary, and one entry per option.
    public func help(prog: String) -> String {
        var lines = [usage(prog: prog), "", summary, "", "options:", "  -h, --help            show this help message and exit"]
        for option in options {
            let form = "  " + option.helpForm
            if form.count < 24 {
                lines.append(form + String(repeating: " ", count: 24 - form.count) + option.help)
            } else {
                lines.append(form)
                lines.append(String(repeating: " ", count: 24) + option.help)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The script-level help: the subcommands a script has and what each does.
public struct ScriptCommandGroup: Sendable {
    public let description: String
    public let commands: [ScriptCommand]

    public init(description: String, commands: [ScriptCommand]) {
        self.description = description
        self.commands = commands
    }

    /// The first words of the commands, in order, without repeats (`timeout` once for get and set).
    public var names: [String] {
        var seen: [String] = []
        for command in commands where !seen.contains(command.path[0]) { seen.append(command.path[0]) }
        return seen
    }

    public func usage(prog: String, prefix: [String] = []) -> String {
        "usage: \(([prog] + prefix).joined(separator: " ")) [-h] {\(choices(prefix).joined(separator: ","))} ..."
    }

    /// The next words possible after `prefix`.
    public func choices(_ prefix: [String]) -> [String] {
        var seen: [String] = []
        for command in commands where command.path.count > prefix.count && Array(command.path.prefix(prefix.count)) == prefix {
            let word = command.path[prefix.count]
            if !seen.contains(word) { seen.append(word) }
        }
        return seen
    }

    public func help(prog: String, prefix: [String] = []) -> String {
        var lines = [usage(prog: prog, prefix: prefix), "", description, "", "positional arguments:",
                     "  {\(choices(prefix).joined(separator: ","))}"]
        for word in choices(prefix) {
            let summary = commands.first { $0.path.count > prefix.count && $0.path[prefix.count] == word
                && Array($0.path.prefix(prefix.count)) == prefix }.map { $0.path.count == prefix.count + 1 ? $0.summary : "" } ?? ""
            let form = "    " + word
            lines.append(form.count < 24 ? form + String(repeating: " ", count: 24 - form.count) + summary : form + "  " + summary)
        }
        lines += ["", "options:", "  -h, --help            show this help message and exit"]
        return lines.joined(separator: "\n") + "\n"
    }
}
