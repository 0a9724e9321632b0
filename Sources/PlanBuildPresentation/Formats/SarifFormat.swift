import PlanBuildSupport
import PlanBuildOrchestration

/// A run's errors and warnings as SARIF 2.1.0, what GitHub code scanning reads to
/// annotate lines: one result per issue with its rule (the issue's category), level, message,
/// file and line. Paths under the project are relative to `%SRCROOT%`, which is the project root
/// (given in `originalUriBaseIds`); a path outside it stays an absolute `file:` URI.
extension RunReport {
    public func sarif(projectRoot: String) -> JSONObject {
        let root = projectRoot.hasSuffix("/") ? String(projectRoot.dropLast()) : projectRoot
        var ruleIds: [String] = []
        var results: [JSONValue] = []
        for build in builds {
            for issue in build.errors + build.warnings {
                let rule = issue.category ?? "other"
                if !ruleIds.contains(rule) { ruleIds.append(rule) }
                var result = JSONObject([
                    ("ruleId", .string(rule)), ("ruleIndex", .int(ruleIds.firstIndex(of: rule)!)),
                    ("level", .string(issue.severity == .error ? "error" : "warning")),
                    ("message", .object(JSONObject([("text", .string(issue.message.isEmpty ? rule : issue.message))]))),
                ])
                if let file = issue.file, !file.isEmpty {
                    var location = Self.artifactLocation(file, root: root)
                    var physical = JSONObject([("artifactLocation", .object(location))])
                    if let line = issue.line, line >= 1 {
                        physical["region"] = .object(JSONObject([("startLine", .int(line))]))
                    }
                    location = JSONObject([("physicalLocation", .object(physical))])
                    result["locations"] = .array([.object(location)])
                }
                result["properties"] = .object(JSONObject([("module", .string(build.module)), ("command", .string(build.command))]))
                results.append(.object(result))
            }
        }
        let rules: [JSONValue] = ruleIds.map { id in
            .object(JSONObject([("id", .string(id)), ("name", .string(id)),
                                ("shortDescription", .object(JSONObject([("text", .string(id.replacingUnderscores))])))]))
        }
        let driver = JSONObject([("name", .string("PlanBuild")), ("informationUri", .string("https://github.com/cuioss/plan-marshall")),
                                 ("rules", .array(rules))])
        let run = JSONObject([
            ("tool", .object(JSONObject([("driver", .object(driver))]))),
            ("originalUriBaseIds", .object(JSONObject([("%SRCROOT%", .object(JSONObject([("uri", .string(Self.fileURI(root + "/")))])))]))),
            ("results", .array(results)),
        ])
        return JSONObject([("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")), ("version", .string("2.1.0")),
                           ("runs", .array([.object(run)]))])
    }

    private static func artifactLocation(_ file: String, root: String) -> JSONObject {
        var path = file
        if path.hasPrefix(root + "/") { path = String(path.dropFirst(root.count + 1)) }
        if path.hasPrefix("/") { return JSONObject([("uri", .string(fileURI(path)))]) }
        while path.hasPrefix("./") { path = String(path.dropFirst(2)) }
        return JSONObject([("uri", .string(percentEncoded(path))), ("uriBaseId", .string("%SRCROOT%"))])
    }

    private static func fileURI(_ absolute: String) -> String { "file://" + percentEncoded(absolute) }

    /// RFC 3986: everything but unreserved characters and `/` as %XX of its UTF-8 bytes.
    private static func percentEncoded(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }
}

private extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
