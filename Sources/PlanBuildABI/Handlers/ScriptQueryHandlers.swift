import PlanBuildSupport
import PlanBuildScripts

/// pb_query's answers for the build scripts' subcommands besides `run` (search-markers,
/// find-project, check-warnings): `{"status":"success","output":{…what the script prints…},
/// "exit_code":N}`. A source folder or project that is not there is output with exit code 1,
/// not a library error; only a malformed request is one.
enum ScriptQueryHandlers {
    static func markers(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let system = try request.optionalString("system")
        let extensions = try request.optionalString("extensions").map { $0.split(separator: ",").map(String.init) }
            ?? RewriteMarkers.defaultExtensions(system: system)
        return reply(RewriteMarkers.search(sourceDir: try request.optionalString("source_dir") ?? "src", extensions: extensions))
    }

    static func gradleProject(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let name = try request.optionalString("project_name"), path = try request.optionalString("project_path")
        guard (name == nil) != (path == nil) else { throw invalid("give exactly one of \"project_name\" and \"project_path\"") }
        return reply(GradleProjectFinder.find(root: try request.optionalString("root") ?? ".", projectName: name, projectPath: path))
    }

    static func checkWarnings(_ request: Request) throws(PlanBuildError) -> JSONValue {
        guard let warnings = try value(request, "warnings") else { throw invalid("\"warnings\" is required (a JSON array of warning objects)") }
        let patterns = try WarningCheck.patterns(explicit: try value(request, "patterns"),
                                                 acceptable: try value(request, "acceptable_warnings"))
        return reply(try WarningCheck.check(warnings, patterns: patterns, system: try request.optionalString("system"),
                                            layout: try request.layout()))
    }

    /// A member given as a JSON value (`"warnings": […]`) or as JSON text (`"warnings_json": "[…]"`,
    /// what a command line hands over); text that is not JSON is "invalid_value".
    private static func value(_ request: Request, _ key: String) throws(PlanBuildError) -> JSONValue? {
        if let text = try request.optionalString(key + "_json") {
            do {
                return try JSONParser.parse(text)
            } catch {
                throw PlanBuildError(.invalidValue, "\(key) is not valid JSON: \(error)")
            }
        }
        guard let value = request.object[key], !value.isNull else { return nil }
        return value
    }

    private static func reply(_ answer: ScriptAnswer) -> JSONValue {
        Reply.success([("output", .object(answer.output)), ("exit_code", .int(answer.exitCode))])
    }
}
