import PlanBuildSupport
import PlanBuildModel

/// The read-only questions about derived-data.json that architecture.py answers (modules,
/// commands, module), each as structured members and as the text the script prints.
public enum ArchitectureQuery {
    public struct Answer {
        public let members: [(String, JSONValue)]
        public let text: String
    }

    /// Every module's name, or those that have `command`.
    public static func modules(providing command: String?, in layout: ProjectLayout) throws(PlanBuildError) -> Answer {
        let architecture = try ProjectArchitecture.load(layout)
        let names = architecture.modules
            .filter { command == nil || command!.isEmpty || $0.raw["commands"]?[command!] != nil }
            .map(\.name)
        var lines = command.map { ["command: \(OneLine.escape($0))", ""] } ?? []
        if command?.isEmpty == true { lines = [] }
        lines += list("modules", names)
        return Answer(members: [("modules", .array(names.map(JSONValue.string)))], text: text(lines))
    }

    /// The canonical commands of a module (the root module without a name), with descriptions.
    public static func commands(of name: String?, in layout: ProjectLayout) throws(PlanBuildError) -> Answer {
        let module = try CommandResolver.module(name, in: try ProjectArchitecture.load(layout))
        let commands = (module.raw["commands"]?.objectValue ?? JSONObject()).entries.map { entry in
            (name: entry.key, description: entry.value["description"]?.stringValue ?? "")
        }
        var lines = ["module: \(OneLine.escape(module.name))", "", "commands[\(commands.count)]{name,description}:"]
        lines += commands.map { "\(OneLine.escape($0.name))\t\(OneLine.escape($0.description))" }
        let rows = commands.map { JSONValue.object(JSONObject([("name", .string($0.name)), ("description", .string($0.description))])) }
        return Answer(members: [("module", .string(module.name)), ("commands", .array(rows))], text: text(lines))
    }

    /// One module's identity, paths, internal dependencies and command names.
    public static func module(_ name: String?, in layout: ProjectLayout) throws(PlanBuildError) -> Answer {
        let module = try CommandResolver.module(name, in: try ProjectArchitecture.load(layout))
        let raw = module.raw
        let paths = raw["paths"]?.objectValue ?? JSONObject()
        var lines = ["module:", "  name: \(OneLine.escape(module.name))"]
        for key in ["responsibility", "purpose"] {
            if let value = raw[key], isPresent(value) { lines.append("  \(key): \(shown(value))") }
        }
        lines += ["  path: \(paths["module"].map(shown) ?? "")", "", "paths:"]
        for key in ["sources", "tests"] {
            if let value = paths[key], isPresent(value) {
                let items = value.arrayValue ?? [value]
                lines.append("  \(key)[\(items.count)]:")
                lines += items.map { "    - \(shown($0))" }
            }
        }
        if let descriptor = paths["descriptor"], isPresent(descriptor) { lines.append("  descriptor: \(shown(descriptor))") }
        lines.append("")
        lines += list("internal_dependencies", (raw["internal_dependencies"]?.arrayValue ?? []).map(shown))
        lines.append("")
        lines += list("commands", (raw["commands"]?.objectValue ?? JSONObject()).entries.map(\.key))
        return Answer(members: [("module", raw)], text: text(lines))
    }

    private static func list(_ name: String, _ items: [String]) -> [String] {
        ["\(name)[\(items.count)]:"] + items.map { "  - \(OneLine.escape($0))" }
    }

    private static func text(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }

    /// Python truthiness, as the script this replaces tested the fields.
    private static func isPresent(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .string(let text): return !text.isEmpty
        case .array(let list): return !list.isEmpty
        case .object(let members): return !members.isEmpty
        case .bool(let flag): return flag
        default: return true
        }
    }

    /// A value as text: strings as they are, anything else as compact JSON; escaped by `OneLine`.
    private static func shown(_ value: JSONValue) -> String {
        OneLine.escape(value.stringValue ?? JSONWriter.writeCompact(value))
    }
}
