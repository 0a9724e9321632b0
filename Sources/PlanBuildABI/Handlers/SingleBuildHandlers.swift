import PlanBuildSupport
import PlanBuildModel
import PlanBuildParsing
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildServer

/// The request → reply of each single-build export (include/planbuild.h). Every handler decodes
/// its request, calls one core function and encodes what it returns; a PlanBuildError thrown on
/// the way becomes the error reply in Boundary.
enum SingleBuildHandlers {
    static func resolve(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let resolved = try CommandResolver.resolve(command: try request.string("command"), module: try request.optionalString("module"),
                                                   in: try request.layout())
        return Reply.success([("module", .string(resolved.module)), ("command", .string(resolved.command)),
                              ("executable", .string(resolved.executable)), ("text", .string(resolved.text))])
    }

    /// The BuildRequest of pb_execute (and pb_execute_start); only members present are set.
    static func buildRequest(_ request: Request) throws(PlanBuildError) -> BuildRequest {
        guard let args = try request.words("args") else { throw invalid("\"args\" is required (a string or an array of strings)") }
        var build = BuildRequest(system: try request.system(), commandArgs: args, layout: try request.layout())
        if let seconds = try request.optionalTimeout("timeout") { build.defaultTimeoutSeconds = seconds }
        build.commandKey = try request.optionalString("command_key")
        if let mode: WarningMode = try request.enumValue("mode") { build.mode = mode }
        if let parse = try request.optionalBool("parse") { build.parseLog = parse }
        if let limits = try request.optionalString("limits") {
            guard limits == "run" else { throw invalid("\"limits\" must be \"run\"") }
            build.limitLikeRun()
        }
        if let cap = try request.optionalInt("max_errors", range: 0...1_000_000) { build.maximumErrors = cap }
        if let cap = try request.optionalInt("max_warnings", range: 0...1_000_000) { build.maximumWarnings = cap }
        if let learn = try request.optionalBool("learn") { build.learnTimeout = learn }
        if let grace = try request.optionalInt("grace_ms", range: 0...600_000) { build.graceMilliseconds = grace }
        build.environmentOverrides = try request.environment("env")
        build.workingDirectory = try request.optionalString("working_dir")
        return build
    }

    /// pb_execute. `served`: a job the build server runs (its client's environment and umask,
    /// its gate); otherwise `execution_mode` decides whether the build server runs it.
    static func execute(_ request: Request, waiting: Waiting = .uninterrupted, served: ServedJob? = nil) throws(PlanBuildError) -> JSONValue {
        var build = try buildRequest(request)
        let exports = RunExportPaths(junit: try request.optionalString("junit"), sarif: try request.optionalString("sarif"))
        if let served {
            build.environment = served.context.buildEnvironment
            build.fileMask = served.context.fileMask
            build.gate = served.gate
        } else if let connection = try ExecutionMode.chosen(try request.optionalString("execution_mode")).connection() {
            return try ServedHandlers.execute(request, on: connection, waiting: waiting)
        }
        let result = try SingleRun.execute(build, cancellation: served?.cancellation ?? waiting.token, exports: exports)
        return .object(result.json(includeAccepted: build.mode == .structured))
    }

    static func createLogFile(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let path = try LogFiles.createEmpty(system: try request.string("system"), scope: try request.optionalString("scope"),
                                            layout: try request.layout(), strictScope: try request.generation() == .today)
        return Reply.success([("log_file", .string(path))])
    }

    static func parse(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let path = try request.string("log_file")
        let system = try request.optionalString("system")
        let synonym = try request.optionalString("parser")
        guard let parser = system ?? synonym else {
            throw invalid("\"system\" is required (\(BuildSystem.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard ParserRegistry.names.contains(parser.lowercased()) else {
            throw invalid("unknown parser '\(parser)'; known: \(ParserRegistry.names.joined(separator: ", "))")
        }
        let mode: ParseMode = try request.enumValue("mode") ?? .default
        var outcome = try ParserRegistry.parse(logFile: path, parser: parser)
        outcome.issues = mode.keep(outcome.issues)
        guard case .object(let members) = outcome.json else { throw PlanBuildError(.internal, "unexpected parse result") }
        return Reply.success(members.entries.map { ($0.key, $0.value) } + [("summary", .object(IssueSummary.counts(outcome.issues)))])
    }

    static func filterWarnings(_ request: Request) throws(PlanBuildError) -> JSONValue {
        var warnings: [Issue] = []
        for (index, element) in try request.array("warnings").enumerated() {
            guard let issue = Issue(json: element) else {
                throw invalid("warnings[\(index)] must be an object with a string \"message\"")
            }
            warnings.append(issue)
        }
        let filtered = try AcceptedWarnings.filter(warnings, mode: try request.enumValue("mode") ?? .actionable,
                                                   patterns: try request.stringList("patterns"),
                                                   system: try request.optionalString("system"), layout: try request.layout())
        return Reply.success([
            ("warnings", .array(filtered.warnings.map(\.fullJSON))),
            ("patterns", .array(filtered.patterns.patterns.map(JSONValue.string))),
            ("invalid_patterns", .array(filtered.patterns.invalidPatterns.map(JSONValue.string))),
        ])
    }

    static func format(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let result = try request.object("result", "the result object to format")
        let format: ResultFormatter.Format = try request.enumValue("format") ?? .toon
        let text: String
        switch (format, try request.optionalInt("indent", range: -1...16)) {
        case (.toon, _), (.json, nil): text = ResultText.format(result, try request.generation(), as: format)
        // -1 stands for Python's indent=None (one line).
        case (.json, let indent?): text = ResultFormatter.format(result, as: .json, indent: indent < 0 ? nil : indent)
        }
        return Reply.success([("text", .string(text)), ("notice", .string(ResultFormatter.runNotice(result)))])
    }

    static func timeoutGet(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let configuration = RunConfiguration(layout: try request.layout())
        let key = try request.string("command_key")
        let defaultSeconds = try request.optionalInt("default", range: 0...31_536_000)
        let lookup: RunConfiguration.TimeoutLookup
        if let explicit = try request.optionalInt("explicit", range: 0...31_536_000) {
            lookup = try configuration.timeout(for: key, default: defaultSeconds, explicit: explicit)
        } else {
            lookup = try configuration.timeout(for: key, fallbackKey: try request.optionalString("fallback_key"), default: defaultSeconds)
        }
        return Reply.success([("timeout_seconds", .int(lookup.seconds)), ("learned", lookup.learned.map(JSONValue.int) ?? .null)])
    }

    static func timeoutSet(_ request: Request) throws(PlanBuildError) -> JSONValue {
        let key = try request.string("command_key")
        let duration = try request.int("duration", range: 0...31_536_000)
        let timedOut = try request.optionalBool("timed_out") ?? false
        guard try request.optionalString("format").map({ $0 == "toon" }) ?? true else { throw invalid("\"format\" must be \"toon\"") }
        let wantsText = request.object["format"] != nil
        let update = try RunConfiguration(layout: try request.layout()).record(duration, for: key, timedOut: timedOut)
        var members: [(String, JSONValue)] = [("timeout_seconds", .int(update.seconds))]
        if let previous = update.previous { members.append(("previous_seconds", .int(previous))) }
        members.append(("source", .string(update.source)))
        if wantsText { members.append(("text", .string(update.toon))) }
        return Reply.success(members)
    }
}
