import PlanBuildSupport
import PlanBuildModel
import PlanBuildParsing
import PlanBuildPresentation

/// The build scripts' subcommands besides `run`, answered in the generation's form.
enum BuildScriptQueries {
    // MARK: parse

    static func parse(_ values: ScriptValues, system: BuildSystem, call: ScriptCall) -> ScriptReply {
        if let refusal = call.exclusiveRouting(values) { return refusal }
        let log = values.string("log") ?? ""
        let format = values.string("format")
        let outcome: ParseOutcome
        do {
            outcome = try ParserRegistry.parse(logFile: call.invocation.resolved(log), parser: system.rawValue)
        } catch {
            let missing = error.code == .notFound
            return call.failure(missing ? "log_not_found" : error.code.rawValue,
                                missing ? "Log file not found: \(log)" : error.message, format: format)
        }
        if system == .python {
            if values.flag("failures_detail") || values.has("test") {
                return call.emit(FailureDetails.slice(outcome, test: values.string("test")), format: format)
            }
            return resultShaped(outcome, log: log, mode: values.string("mode"), call: call, format: format)
        }
        let issues = (values.string("mode").flatMap(ParseMode.init(rawValue:)) ?? .structured).keep(outcome.issues)
        let summary = call.generation == .today ? CategorySummary.counts(issues) : IssueSummary.counts(issues)
        let output = JSONObject([
            ("status", .string(outcome.buildStatus == .failure ? "error" : "success")),
            ("data", .object(JSONObject([("build_status", outcome.buildStatus.map { .string($0.rawValue) } ?? .null),
                                         ("issues", .array(issues.map(\.fullJSON))), ("summary", .object(summary))]))),
            ("metrics", .object(JSONObject([("tests_run", .int(outcome.tests?.total ?? 0)),
                                            ("tests_failed", .int(outcome.tests?.failed ?? 0))]))),
        ])
        return call.emit(output, format: format)
    }

    /// pyproject_build's `parse`: the log as a run's result (errors, warnings, tests), exit 1 when
    /// it shows a failure.
    static func resultShaped(_ outcome: ParseOutcome, log: String, mode: String?, call: ScriptCall, format: String?) -> ScriptReply {
        let failed = outcome.buildStatus == .failure
        var result = BuildResult(status: failed ? .error : .success, exitCode: failed ? 1 : 0, durationSeconds: 0,
                                 logFile: log, command: "parse", error: failed ? BuildResult.ErrorKind.buildFailed : nil)
        result.errors = outcome.errors
        result.warnings = mode == "errors" ? [] : outcome.warnings
        result.tests = outcome.tests
        result.testsRun = outcome.tests?.ran
        let text = ResultText.format(result.json(), call.generation, as: format == "json" ? .json : .toon)
        return .printed(text, exitCode: failed ? 1 : 0)
    }

    // MARK: check-warnings

    static func checkWarnings(_ values: ScriptValues, system: BuildSystem, call: ScriptCall) -> ScriptReply {
        if let refusal = call.exclusiveRouting(values) { return refusal }
        let format = values.string("format")
        // Today's refusals name what was wrong in `error` itself.
        func refuse(_ message: String) -> ScriptReply {
            guard call.generation == .today else { return call.failure("invalid_input", message, format: format) }
            return call.emit(JSONObject([("status", "error"), ("error", .string(message))]), format: format, exitCode: 1,
                             stderr: "error: \(OneLine.escape(message))\n")
        }
        guard let text = values.string("warnings") else { return refuse("No input provided: give --warnings as a JSON array") }
        func json(_ text: String?, _ option: String) -> Result<JSONValue?, PlanBuildError> {
            guard let text else { return .success(nil) }
            do {
                return .success(try JSONParser.parse(text))
            } catch {
                return .failure(PlanBuildError(.invalidValue, "Invalid JSON in \(option): \(error)"))
            }
        }
        let warnings: JSONValue?, patterns: JSONValue?, acceptable: JSONValue?
        switch (json(text, "--warnings"), json(values.string("patterns"), "--patterns"),
                json(values.string("acceptable_warnings"), "--acceptable-warnings")) {
        case (.success(let w), .success(let p), .success(let a)): (warnings, patterns, acceptable) = (w, p, a)
        case (.failure(let error), _, _), (_, .failure(let error), _), (_, _, .failure(let error)): return refuse(error.message)
        }
        guard case .array? = warnings else { return refuse("--warnings must be an array of warning objects") }
        let answer: ScriptAnswer
        do {
            let given = try WarningCheck.patterns(explicit: patterns, acceptable: acceptable)
            var rules = WarningCheck.Rules()
            if call.generation == .today {
                rules.otherSeverities = .fixable
                // Gradle's patterns are wildcards (`*[deprecation]*`), the others' substrings.
                rules.wildcards = (values.string("matcher") ?? (system == .gradle ? "wildcard" : "substring")) == "wildcard"
            }
            answer = try WarningCheck.check(warnings!, patterns: given, system: system.rawValue, layout: call.layout(), rules: rules)
        } catch {
            return refuse(error.message)
        }
        guard call.generation == .today else { return call.emit(answer.output, format: nil, exitCode: answer.exitCode) }
        var output = JSONObject([("status", "success")])
        for (key, value) in answer.output where key != "success" { output[key] = value }
        var exitCode = answer.exitCode
        if let baseline = values.int("warning_baseline") {
            let actionable = (output["fixable"]?.intValue ?? 0) + (output["unknown"]?.intValue ?? 0)
            output["warning_baseline"] = .int(baseline)
            output["over_baseline"] = .int(max(0, actionable - baseline))
            exitCode = actionable > baseline ? 1 : 0
        }
        return call.emit(output, format: format, exitCode: exitCode)
    }

    // MARK: run-config-key

    static func runConfigKey(_ values: ScriptValues, system: BuildSystem, call: ScriptCall) -> ScriptReply {
        if let refusal = call.exclusiveRouting(values) { return refusal }
        let format = values.string("format")
        let words: [String]
        do {
            words = try ShellWords.split(values.string("command_args") ?? "")
        } catch {
            return call.failure("invalid_value", "argument --command-args: \(error)", format: format, exitCode: 2)
        }
        let key = CommandKeyRules.key(system: system, words: words, generation: call.generation)
        switch call.generation {
        case .spec:
            if format == "json" { return call.emit(JSONObject([("status", "success"), ("command_key", .string(key))]), format: "json") }
            return .printed(ResultFormatter.commandKeyText(key))
        case .today:
            return call.emit(JSONObject([("status", "success"), ("build_tool", .string(system.rawValue)),
                                         ("key_suffix", .string(String(key.dropFirst(system.rawValue.count + 1)))),
                                         ("command_key", .string(key))]), format: format)
        }
    }

    // MARK: coverage-report

    static func coverageReport(_ values: ScriptValues, system: BuildSystem, call: ScriptCall) -> ScriptReply {
        if let refusal = call.exclusiveRouting(values) { return refusal }
        let format = values.string("format")
        let threshold = values.int("threshold") ?? 80
        guard (0...100).contains(threshold) else {
            return call.failure("invalid_value", "--threshold must be a percentage from 0 to 100", format: format, exitCode: 2)
        }
        let layout = call.layout(projectDir: values.string("project_dir"))
        let base = values.string("project_path").map { FileSystem.join(layout.projectDir, $0) } ?? layout.projectDir
        let path: String
        if let explicit = values.string("report_path") {
            path = call.invocation.resolved(explicit)
        } else if let found = CoverageLocations.candidates(system).map({ FileSystem.join(base, $0) }).first(where: FileSystem.isRegularFile) {
            path = found
        } else {
            return notFound(CoverageLocations.missingMessage(system), call: call, format: format)
        }
        guard FileSystem.isRegularFile(path) else { return notFound("Coverage report not found: \(path)", call: call, format: format) }
        let report: CoverageReport
        do {
            report = try CoverageReport.read(path)
        } catch {
            return call.emit(JSONObject([("status", "error"), ("error", "invalid_report"), ("message", .string(error.message))]),
                             format: format, exitCode: 1)
        }
        return call.emit(CoverageCheck(report: report, threshold: threshold, path: path).output, format: format,
                         exitCode: CoverageCheck(report: report, threshold: threshold, path: path).passed ? 0 : 1)
    }

    private static func notFound(_ message: String, call: ScriptCall, format: String?) -> ScriptReply {
        call.emit(JSONObject([("status", "error"), ("error", "report_not_found"), ("message", .string(message))]),
                  format: format, exitCode: 1, stderr: "error: \(message)\n")
    }

    // MARK: search-markers, find-project, rewrite-log

    static func searchMarkers(_ values: ScriptValues, system: BuildSystem, call: ScriptCall) -> ScriptReply {
        let extensions = values.string("extensions").map { $0.split(separator: ",").map(String.init) }
            ?? RewriteMarkers.defaultExtensions(system: system.rawValue)
        let answer = RewriteMarkers.search(sourceDir: call.invocation.resolved(values.string("source_dir") ?? "src"), extensions: extensions)
        return call.emit(answer.output, format: values.string("format"), exitCode: answer.exitCode)
    }

    static func findProject(_ values: ScriptValues, call: ScriptCall) -> ScriptReply {
        if let refusal = call.exclusiveRouting(values) { return refusal }
        let root = values.string("root").map(call.invocation.resolved) ?? call.layout(projectDir: values.string("project_dir")).projectDir
        let answer = GradleProjectFinder.find(root: root, projectName: values.string("project_name"),
                                              projectPath: values.string("project_path"))
        guard call.generation == .today else { return call.emit(answer.output, format: nil, exitCode: answer.exitCode) }
        // Today's answer is flat, the parents one comma-separated value, and always exit 0.
        var output = JSONObject()
        for (key, value) in answer.output {
            guard key == "data", let data = value.objectValue else { output[key] = value; continue }
            for (inner, member) in data {
                output[inner] = inner == "parent_projects"
                    ? .string((member.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")) : member
            }
        }
        return call.emit(output, format: values.string("format"))
    }

    static func rewriteLog(_ values: ScriptValues, call: ScriptCall) -> ScriptReply {
        if let refusal = call.exclusiveRouting(values) { return refusal }
        let log = values.string("log") ?? ""
        let format = values.string("format")
        let path = call.invocation.resolved(log)
        guard let text = try? FileSystem.readText(path) else { return call.failure("log_not_found", "Log file not found: \(log)", format: format) }
        var verdict = JSONObject()
        if text.contains(/---\s+rewrite(-maven-plugin:[\w.\-]+)?:run\s+\(/) {
            let findings = ((try? ParserRegistry.parse(logFile: path, parser: "maven"))?.issues ?? [])
                .filter { $0.category == "openrewrite_info" }.map(\.fullJSON)
            verdict = JSONObject([("verdict", "observed"), ("total_findings", .int(findings.count)), ("findings", .array(findings))])
        } else {
            verdict = JSONObject([("verdict", "not_observed"),
                                  ("reason", "build did not reach rewrite:run — OpenRewrite findings were not produced this run"),
                                  ("total_findings", 0), ("findings", .array([]))])
        }
        return call.emit(JSONObject([("status", "success"), ("rewrite_log", .object(verdict))]), format: format)
    }
}
