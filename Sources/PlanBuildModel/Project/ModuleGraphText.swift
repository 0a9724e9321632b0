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
        let systems = JSONObject(zip(modules, buildSystems).map { ($0, .array($1.map(JSONValue.string))) })
        return [("modules", .array(modules.map(JSONValue.string))), ("build_systems", .object(systems)), ("edges", .array(edgeRows)),
                ("aggregator", aggregator.map(JSONValue.string) ?? .null), ("aggregates", .array(aggregated.map(JSONValue.string))),
                ("external", .array(externalRows)), ("cycle", cycle.map { .array($0.map(JSONValue.string)) } ?? .null)]
    }

    /// One line per edge for a person: the aggregator's edges to every module, then the
    /// dependencies, each with its scope once (the target's name is in `to` already).
    private var shownEdges: [(from: String, to: String, kind: String, scope: String?)] {
        aggregated.map { (aggregator ?? "", $0, "aggregates", nil) } + edges.map { ($0.from, $0.to, "depends", $0.scope) }
    }

    private func systemsText(_ index: Int) -> String {
        buildSystems[index].isEmpty ? "-" : buildSystems[index].joined(separator: ",")
    }

    public func text(_ format: Format) -> String {
        switch format {
        case .json:
            return JSONWriter.write(.object(JSONObject([("status", .string("success"))] + members)), indent: 2)
        case .dot:
            var lines = ["digraph modules {"]
            lines += modules.indices.map { index in
                let label = buildSystems[index].isEmpty ? [modules[index]] : [modules[index], systemsText(index)]
                return "  \(Self.dotQuoted(modules[index])) [label=\(Self.dotLabel(label))];"
            }
            lines += shownEdges.map { edge in
                let style = edge.kind == "aggregates" ? "style=dashed" : edge.scope.map { "label=\(Self.dotQuoted($0))" }
                return "  \(Self.dotQuoted(edge.from)) -> \(Self.dotQuoted(edge.to))\(style.map { " [\($0)]" } ?? "");"
            }
            lines.append("}")
            return lines.joined(separator: "\n")
        case .toon:
            var lines = ["modules[\(modules.count)]{name,build_systems}:"]
            lines += modules.indices.map { "  \(Self.cell(modules[$0]))\t\(Self.cell(systemsText($0)))" }
            let shown = shownEdges
            lines += ["", "edges[\(shown.count)]{from,to,kind,scope}:"]
            lines += shown.map { "  \(Self.cell($0.from))\t\(Self.cell($0.to))\t\($0.kind)\t\(Self.cell($0.scope ?? "-"))" }
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

    /// A DOT label of several lines (`\n` is DOT's line break inside a quoted string).
    private static func dotLabel(_ lines: [String]) -> String {
        "\"" + lines.map { String(dotQuoted($0).dropFirst().dropLast()) }.joined(separator: "\\n") + "\""
    }

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
