import PlanBuildCore

/// The request → reply logic of each single-build export (SPEC section 2); the C entry points in
/// Exports.swift only route to these.
enum SingleBuildHandlers {
    static func resolve(_ request: Request) throws(InvalidRequest) -> JSONValue {
        let command = try request.string("command")
        let module = try request.optionalString("module")
        let layout = try request.layout()
        do {
            let resolved = try CommandResolver.resolve(command: command, module: module, in: layout)
            return Reply.success([("module", .string(resolved.module)), ("command", .string(resolved.command)),
                                  ("executable", .string(resolved.executable))])
        } catch {
            return Reply.error(error.kind.rawValue, error.message)
        }
    }

    static func execute(_ request: Request) throws(InvalidRequest) -> JSONValue {
        let system = try request.system()
        let args: String
        if request.object["args"]?.arrayValue != nil, let words = try request.stringList("args") {
            args = ShellWords.join(words)
        } else {
            args = try request.optionalString("args") ?? ""
        }
        var build = BuildRequest(system: system, commandArgs: args, layout: try request.layout())
        build.defaultTimeoutSeconds = try request.optionalInt("timeout", range: 0...31_536_000) ?? 300
        build.commandKey = try request.optionalString("command_key")
        build.mode = try request.enumValue("mode", default: WarningMode.actionable)
        build.parseOnFailure = try request.optionalBool("parse") ?? true
        build.maximumErrors = try request.optionalInt("max_errors", range: 0...1_000_000)
        build.maximumWarnings = try request.optionalInt("max_warnings", range: 0...1_000_000)
        build.learnTimeout = try request.optionalBool("learn") ?? true
        build.graceMilliseconds = try request.optionalInt("grace_ms", range: 0...600_000) ?? ProcessRunner.defaultGraceMilliseconds
        build.environment = try environment(request)
        build.dryRun = try request.optionalBool("dry_run") ?? false
        build.workingDirectory = try request.optionalString("working_dir")
        let result = BuildExecutor.execute(build)
        return .object(result.json(includeAccepted: build.mode == .structured))
    }

    /// `env`: variables to set on top of the inherited environment.
    private static func environment(_ request: Request) throws(InvalidRequest) -> [String]? {
        guard let overrides = try request.optionalObject("env"), !overrides.isEmpty else { return nil }
        var merged: [String: String] = [:]
        var order: [String] = []
        for entry in ProcessEnvironment.current() {
            let name = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            if merged[name] == nil { order.append(name) }
            merged[name] = entry
        }
        for (name, value) in overrides.entries {
            guard let text = value.stringValue, !name.isEmpty, !name.contains("="), !name.utf8.contains(0), !text.utf8.contains(0) else {
                throw InvalidRequest(message: "\"env\" must map variable names to strings")
            }
            if merged[name] == nil { order.append(name) }
            merged[name] = "\(name)=\(text)"
        }
        return order.compactMap { merged[$0] }
    }

    static func createLogFile(_ request: Request) throws(InvalidRequest) -> JSONValue {
        let system = try request.string("system")
        let scope = try request.optionalString("scope")
        let layout = try request.layout()
        do {
            let created = try LogFiles.create(system: system, scope: scope, layout: layout, keepOpen: false)
            return Reply.success([("log_file", .string(created.path))])
        } catch {
            return Reply.error(BuildResult.ErrorKind.logFileFailed, "cannot create the log file: \(error)")
        }
    }

    static func parse(_ request: Request) throws(InvalidRequest) -> JSONValue {
        let path = try request.string("log_file")
        let named = try request.optionalString("system")
        let alias = try request.optionalString("parser")
        let parser = named ?? alias ?? "maven"
        guard ParserRegistry.names.contains(parser.lowercased()) else {
            throw InvalidRequest(message: "unknown parser '\(parser)'; known: \(ParserRegistry.names.joined(separator: ", "))")
        }
        do {
            let outcome = try ParserRegistry.parse(logFile: path, parser: parser)
            guard case .object(let members) = outcome.json else { return Reply.error("internal", "unexpected parse result") }
            return Reply.success(members.entries.map { ($0.key, $0.value) })
        } catch let error as LogReadError {
            return Reply.error(error.kind.rawValue, error.message)
        } catch {
            return Reply.error("unreadable", "\(error)")
        }
    }

    static func filterWarnings(_ request: Request) throws(InvalidRequest) -> JSONValue {
        let mode = try request.enumValue("mode", default: WarningMode.actionable)
        var patterns = try request.stringList("patterns")
        if patterns == nil, let system = try request.optionalString("system") {
            let layout = try request.layout()
            do {
                patterns = try RunConfiguration(layout: layout).acceptableWarnings(system: system)
            } catch {
                return Reply.error("configuration_invalid", error.message)
            }
        }
        var warnings: [Issue] = []
        for (index, element) in (try request.optionalArray("warnings") ?? []).enumerated() {
            guard let issue = Issue(json: element) else {
                throw InvalidRequest(message: "warnings[\(index)] must be an object with a string \"message\"")
            }
            warnings.append(issue)
        }
        let matcher = WarningPatterns(patterns ?? [])
        let kept = WarningMode.filter(warnings, patterns: matcher, mode: mode)
        return Reply.success([
            ("warnings", .array(kept.map(\.fullJSON))),
            ("patterns", .array(matcher.patterns.map(JSONValue.string))),
            ("invalid_patterns", .array(matcher.invalidPatterns.map(JSONValue.string))),
        ])
    }

    static func format(_ request: Request) throws(InvalidRequest) -> JSONValue {
        guard let result = try request.optionalObject("result") else {
            throw InvalidRequest(message: "\"result\" is required (the result object to format)")
        }
        let format = try request.enumValue("format", default: ResultFormatter.Format.toon)
        // -1 stands for Python's indent=None (one line).
        let requested = try request.optionalInt("indent", range: -1...16) ?? 2
        let indent: Int? = requested < 0 ? nil : requested
        return Reply.success([("text", .string(ResultFormatter.format(result, as: format, indent: indent)))])
    }

    static func timeoutGet(_ request: Request) throws(InvalidRequest) -> JSONValue {
        let key = try request.string("command_key")
        let fallback = try request.optionalInt("default", range: 0...31_536_000) ?? 0
        let fallbackKey = try request.optionalString("fallback_key")
        let layout = try request.layout()
        do {
            let lookup = try RunConfiguration(layout: layout).timeout(for: key, fallbackKey: fallbackKey, default: fallback)
            return Reply.success([("timeout_seconds", .int(lookup.seconds)), ("learned", lookup.learned.map(JSONValue.int) ?? .null)])
        } catch {
            return Reply.error("configuration_invalid", error.message)
        }
    }

    static func timeoutSet(_ request: Request) throws(InvalidRequest) -> JSONValue {
        let duration = try request.int("duration")
        guard (0...31_536_000).contains(duration) else {
            throw InvalidRequest(message: "\"duration\" must be between 0 and 31536000 seconds")
        }
        guard let key = try request.optionalString("command_key") else {
            // Without a key this is the pure arithmetic of compute_weighted_timeout.
            let existing = try request.optionalInt("existing", range: 0...31_536_000)
            let policy = TimeoutPolicy(json: try request.optionalObject("policy").map(JSONValue.object))
            return Reply.success([("timeout_seconds", .int(policy.learnedValue(existing: existing, newDuration: duration)))])
        }
        let timedOut = try request.optionalBool("timed_out") == true
        let configuration = RunConfiguration(layout: try request.layout())
        do {
            let update = timedOut
                ? try configuration.recordTimeout(duration, for: key)
                : try configuration.recordDuration(duration, for: key)
            var members: [(String, JSONValue)] = [("timeout_seconds", .int(update.seconds))]
            if let previous = update.previous { members.append(("previous_seconds", .int(previous))) }
            members.append(("source", .string(update.source)))
            return Reply.success(members)
        } catch {
            return Reply.error("configuration_invalid", error.message)
        }
    }
}
