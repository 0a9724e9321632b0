import PlanBuildSupport
import PlanBuildModel

/// The build scripts — maven.py, gradle.py, npm.py, pyproject_build.py — by generation: which
/// subcommands each has and their options. The answers are in BuildScriptRun (run) and
/// BuildScriptQueries (everything else).
enum BuildScript {
    static func definition(_ script: ScriptName, system: BuildSystem, _ generation: ScriptGeneration) -> ScriptDefinition {
        let tool = toolName(system)
        var commands = [BuildRunOptions.command(.script(generation), tool: tool), parse(system, generation)]
        commands.append(checkWarnings(generation))
        commands.append(runConfigKey(generation))
        commands.append(coverageReport(generation))
        if system == .gradle || (system == .maven && generation == .spec) { commands.append(searchMarkers(system, generation)) }
        if system == .gradle { commands.append(findProject(generation)) }
        if system == .maven && generation == .today { commands.append(rewriteLog(generation)) }
        let group = ScriptCommandGroup(description: "\(tool) build operations (PlanBuild)", commands: commands)
        return ScriptDefinition(group: group) { command, values, call in
            switch command.path[0] {
            case "run": return BuildScriptRun.run(values, system: system, call: call, usage: command.usage(prog: call.prog))
            case "parse": return BuildScriptQueries.parse(values, system: system, call: call)
            case "check-warnings": return BuildScriptQueries.checkWarnings(values, system: system, call: call)
            case "run-config-key": return BuildScriptQueries.runConfigKey(values, system: system, call: call)
            case "coverage-report": return BuildScriptQueries.coverageReport(values, system: system, call: call)
            case "search-markers": return BuildScriptQueries.searchMarkers(values, system: system, call: call)
            case "find-project": return BuildScriptQueries.findProject(values, call: call)
            default: return BuildScriptQueries.rewriteLog(values, call: call)
            }
        }
    }

    static func toolName(_ system: BuildSystem) -> String {
        switch system {
        case .maven: return "Maven"
        case .gradle: return "Gradle"
        case .npm: return "npm"
        case .python: return "Python (pyprojectx)"
        }
    }

    static func parse(_ system: BuildSystem, _ generation: ScriptGeneration) -> ScriptCommand {
        let modes = system == .python ? ["default", "errors", "structured", "actionable"] : ParseMode.allCases.map(\.rawValue)
        var options = [ScriptOption(["--log"], dest: "log", metavar: "FILE", help: "The build log to read.", required: true),
                       ScriptOption(["--mode"], dest: "mode", .choice(modes), help: "Which issues to show (default: structured).")]
        if generation == .today || system == .python { options.append(CommonOptions.format) }
        if system == .python {
            options.append(ScriptOption(["--failures-detail"], dest: "failures_detail", .flag,
                                        help: "Each failing test with its traceback (pytest)."))
            options.append(ScriptOption(["--test"], dest: "test", metavar: "NAME", help: "Only the failures of this test (pytest)."))
        }
        options += CommonOptions.routing(generation)
        return ScriptCommand(["parse"], summary: "Parse a build log and categorize its issues.", options: options)
    }

    static func checkWarnings(_ generation: ScriptGeneration) -> ScriptCommand {
        var options = [
            // Today's refuses a missing --warnings in its answer, the contract's on the command line.
            ScriptOption(["--warnings"], dest: "warnings", metavar: "JSON", help: "JSON array of warning objects.",
                         required: generation == .spec),
            ScriptOption(["--patterns"], dest: "patterns", metavar: "JSON", help: "JSON array of accepted patterns."),
            ScriptOption(["--acceptable-warnings"], dest: "acceptable_warnings", metavar: "JSON",
                         help: "Accepted patterns as a JSON array or an object of category → patterns."),
        ]
        if generation == .today {
            options.append(ScriptOption(["--warning-baseline"], dest: "warning_baseline", .integer, metavar: "N",
                                        help: "How many actionable warnings are known debt: exit 0 while there are at most N."))
            options.append(ScriptOption(["--matcher"], dest: "matcher", .choice(["substring", "wildcard"]),
                                        help: "How plain patterns match: substring (default) or wildcard (* and ?)."))
            options.append(CommonOptions.format)
        }
        options += CommonOptions.routing(generation)
        return ScriptCommand(["check-warnings"], summary: "Sort warnings into acceptable, fixable and unknown.", options: options)
    }

    static func runConfigKey(_ generation: ScriptGeneration) -> ScriptCommand {
        var options = BuildRunOptions.options(.script(generation)).filter { $0.dest == "command_args" }
        options.append(CommonOptions.format)
        options += CommonOptions.routing(generation)
        return ScriptCommand(["run-config-key"], summary: "The key run learns the timeout under.", options: options)
    }

    static func coverageReport(_ generation: ScriptGeneration) -> ScriptCommand {
        var options = [
            ScriptOption(["--project-path", "--module-path"], dest: "project_path", metavar: "PATH",
                         help: "The module whose report to read (default: the project)."),
            ScriptOption(["--report-path"], dest: "report_path", metavar: "FILE", help: "The report itself (default: the tool's usual place)."),
            ScriptOption(["--threshold"], dest: "threshold", .integer, metavar: "PERCENT", help: "Line coverage required (default 80)."),
            CommonOptions.format,
        ]
        options += CommonOptions.routing(generation)
        return ScriptCommand(["coverage-report"], summary: "Read a coverage report and check it against a threshold.", options: options)
    }

    static func searchMarkers(_ system: BuildSystem, _ generation: ScriptGeneration) -> ScriptCommand {
        var options = [ScriptOption(["--source-dir"], dest: "source_dir", metavar: "DIR", help: "Folder to search (default: src)."),
                       ScriptOption(["--extensions"], dest: "extensions", metavar: "LIST", help: "Comma-separated file extensions.")]
        if generation == .today { options.append(CommonOptions.format) }
        return ScriptCommand(["search-markers"], summary: "Search for OpenRewrite TODO markers.", options: options)
    }

    static func findProject(_ generation: ScriptGeneration) -> ScriptCommand {
        var options = [ScriptOption(["--project-name"], dest: "project_name", metavar: "NAME", help: "A Gradle project's name."),
                       ScriptOption(["--project-path"], dest: "project_path", metavar: "PATH", help: "A folder or a :gradle:path."),
                       ScriptOption(["--root"], dest: "root", metavar: "DIR", help: "The build's root folder (default: the project).")]
        if generation == .today { options.append(CommonOptions.format) }
        options += CommonOptions.routing(generation)
        return ScriptCommand(["find-project"], summary: "Find the Gradle project a name or folder means.", options: options,
                             exclusive: [(dests: ["project_name", "project_path"], required: true)])
    }

    static func rewriteLog(_ generation: ScriptGeneration) -> ScriptCommand {
        var options = [ScriptOption(["--log"], dest: "log", metavar: "FILE", help: "The Maven build log.", required: true),
                       CommonOptions.format]
        options += CommonOptions.routing(generation)
        return ScriptCommand(["rewrite-log"], summary: "What the log shows of OpenRewrite's run.", options: options)
    }
}
