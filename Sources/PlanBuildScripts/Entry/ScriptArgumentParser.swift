import PlanBuildSupport
import PlanBuildConfiguration

/// The values a command line gave, by option name: strings, integers, `true` for flags.
public struct ScriptValues: Sendable {
    public var values: [String: JSONValue] = [:]

    public init(_ values: [String: JSONValue] = [:]) { self.values = values }

    public func string(_ dest: String) -> String? { values[dest]?.stringValue }
    public func int(_ dest: String) -> Int? { values[dest]?.intValue }
    public func flag(_ dest: String) -> Bool { values[dest]?.boolValue ?? false }
    public func has(_ dest: String) -> Bool { values[dest] != nil }
}

/// A command line the script does not accept; the text is the one argparse would print after
/// `prog: error: `, and the script exits 2.
public struct ScriptUsageError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Reads a command line against a ScriptCommand the way Python's argparse does for the
/// reference scripts: `--name value` and `--name=value`, flags, integers, choices, required
/// options and mutually exclusive groups, with argparse's messages.
public enum ScriptArgumentParser {
    public static func parse(_ words: [String], _ command: ScriptCommand) throws(ScriptUsageError) -> ScriptValues {
        var values = ScriptValues()
        var unrecognized: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            let (flag, inline): (String, String?) = word.hasPrefix("--") && word.contains("=")
                ? (String(word.prefix { $0 != "=" }), String(word.drop { $0 != "=" }.dropFirst()))
                : (word, nil)
            guard let option = command.option(flag) else {
                unrecognized.append(word)
                continue
            }
            if option.kind == .flag {
                guard inline == nil else { throw ScriptUsageError("argument \(flag): ignored explicit argument '\(inline!)'") }
                values.values[option.dest] = true
                continue
            }
            let raw: String
            if let inline {
                raw = inline
            } else {
                // The next word is the value unless it is another option of this command.
                guard index < words.count, command.option(words[index].split(separator: "=").first.map(String.init) ?? "") == nil
                else { throw ScriptUsageError("argument \(option.flags.joined(separator: "/")): expected one argument") }
                raw = words[index]
                index += 1
            }
            if option.kind == .repeated {
                values.values[option.dest] = .array((values.values[option.dest]?.arrayValue ?? []) + [.string(raw)])
            } else {
                values.values[option.dest] = try converted(raw, option, flag)
            }
        }
        if !unrecognized.isEmpty {
            throw ScriptUsageError("unrecognized arguments: \(unrecognized.joined(separator: " "))")
        }
        let missing = command.options.filter { $0.required && !values.has($0.dest) }
        if !missing.isEmpty {
            throw ScriptUsageError("the following arguments are required: \(missing.map { $0.flags.joined(separator: "/") }.joined(separator: ", "))")
        }
        for group in command.exclusive {
            let given = group.dests.filter(values.has)
            let flags = group.dests.compactMap { dest in command.options.first { $0.dest == dest }?.flags[0] }
            if given.count > 1, let second = command.options.first(where: { $0.dest == given[1] }),
               let first = command.options.first(where: { $0.dest == given[0] }) {
                throw ScriptUsageError("argument \(second.flags[0]): not allowed with argument \(first.flags[0])")
            }
            if group.required && given.isEmpty {
                throw ScriptUsageError("one of the arguments \(flags.joined(separator: " ")) is required")
            }
        }
        return values
    }

    private static func converted(_ raw: String, _ option: ScriptOption, _ flag: String) throws(ScriptUsageError) -> JSONValue {
        switch option.kind {
        case .text, .flag, .repeated: return .string(raw)
        case .integer:
            // Digits of any length: more than a year's seconds reads as just over a year, and every
            // option's own range check decides (a huge --timeout is a year, a huge --threshold refused).
            guard let number = TimeoutLimits.parse(raw.trimmed) else {
                throw ScriptUsageError("argument \(flag): invalid int value: '\(raw)'")
            }
            return .int(number)
        case .choice(let choices):
            guard choices.contains(raw) else {
                throw ScriptUsageError("argument \(flag): invalid choice: '\(raw)' (choose from \(choices.map { "'\($0)'" }.joined(separator: ", ")))")
            }
            return .string(raw)
        }
    }
}
