import PlanBuildSupport

/// `planbuild graph` output: the internal graph as TOON, JSON members or Graphviz DOT, so a user
/// can see which `dependencies` entries PlanBuild understood and which it ignored as external.
extension ModuleGraph {
    public enum Format: String, Sendable, CaseIterable {
        case toon, json, dot
    }

    /// The graph as JSON members (the `pb_query` "graph" answer adds `status` to them).
    public var members: [(String, JSONValue)] {
        let edgeRows = edges.map { edge in
            JSONValue.object(JSONObject([("from", .string(edge.from)), ("to", .string(edge.to)), ("declared", .string(edge.declared))]))
        }
        let externalRows = external.map { entry in
            JSONValue.object(JSONObject([("module", .string(entry.module)), ("declared", .string(entry.declared))]))
        }
        return [("modules", .array(modules.map(JSONValue.string))), ("edges", .array(edgeRows)),
                ("external", .array(externalRows)), ("cycle", cycle.map { .array($0.map(JSONValue.string)) } ?? .null)]
    }

    public func text(_ format: Format) -> String {
        switch format {
        case .json:
            return JSONWriter.write(.object(JSONObject([("status", .string("success"))] + members)), indent: 2)
        case .dot:
            var lines = ["digraph modules {"]
            lines += modules.map { "  \(Self.dotQuoted($0));" }
            lines += edges.map { "  \(Self.dotQuoted($0.from)) -> \(Self.dotQuoted($0.to)) [label=\(Self.dotQuoted($0.declared))];" }
            lines.append("}")
            return lines.joined(separator: "\n")
        case .toon:
            var lines = ["modules[\(modules.count)]:"] + modules.map { "  - \(Self.cell($0))" }
            lines += ["", "edges[\(edges.count)]{from,to,declared}:"]
            lines += edges.map { "  \(Self.cell($0.from))\t\(Self.cell($0.to))\t\(Self.cell($0.declared))" }
            lines += ["", "external[\(external.count)]{module,declared}:"]
            lines += external.map { "  \(Self.cell($0.module))\t\(Self.cell($0.declared))" }
            if let cycle {
                lines += ["", "cycle: \(Self.cell(cycle.joined(separator: " -> ")))"]
            }
            return lines.joined(separator: "\n")
        }
    }

    /// A TOON cell: no raw tab or line break.
    private static func cell(_ text: String) -> String { OneLine.escape(text) }

    private static func dotQuoted(_ text: String) -> String {
        var quoted = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n", "\r": quoted += " "
            default: quoted.unicodeScalars.append(character)
            }
        }
        return quoted + "\""
    }
}
