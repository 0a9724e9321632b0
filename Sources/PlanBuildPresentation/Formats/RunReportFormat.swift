import PlanBuildSupport
import PlanBuildModel
import PlanBuildOrchestration

/// The completion report of an orchestrated run as JSON and TOON: the one renderer behind
/// `planbuild orchestrate`, pb_run's "text" and orchestrate.py. Every value in the TOON form is
/// escaped by `OneLine`.
extension RunReport {
    // MARK: JSON

    public var json: JSONObject {
        let stats = statistics
        func brief(_ build: BuildReport?) -> JSONValue {
            guard let build else { return .null }
            return .object(JSONObject([("module", .string(build.module)), ("duration_seconds", .int(build.durationSeconds))]))
        }
        return JSONObject([
            ("status", .string(status.rawValue)),
            ("command", .string(command)),
            ("duration_seconds", .int(durationSeconds)),
            ("total", .int(builds.count)),
            ("succeeded", .int(count(.success))),
            ("failed", .int(builds.filter(\.failed).count)),
            ("skipped", .int(count(.skipped))),
            ("cancelled", .int(count(.cancelled))),
            ("cached", .int(count(.cached))),
            ("time_saved_seconds", .int(timeSavedSeconds)),
            ("tests", testTotals.map { $0.json } ?? .null),
            ("builds", .array(builds.map { .object($0.json) })),
            ("stats", .object(JSONObject([
                ("average_seconds", .double(stats.averageSeconds)),
                ("fastest", brief(stats.fastest)),
                ("slowest", brief(stats.slowest)),
            ]))),
        ] + (cacheProblems.isEmpty ? [] : [("cache_warnings", JSONValue.array(cacheProblems.map(JSONValue.string)))]))
    }

    /// The tests of every build that gave counts, added up (nil: none did).
    public var testTotals: TestSummary? {
        let counted = builds.compactMap(\.tests)
        guard !counted.isEmpty else { return nil }
        var total = TestSummary(passed: 0, failed: 0, skipped: 0)
        for tests in counted { total += tests }
        return total
    }

    // MARK: Text

    /// The report as text: TOON, or JSON indented by two (what `orchestrate --format` prints).
    /// `json`: this report's `json`, when the caller made it already (a reply carries both).
    public func text(_ format: ResultFormatter.Format, json made: JSONObject? = nil) -> String {
        switch format {
        case .toon: return toon()
        case .json: return JSONWriter.write(.object(made ?? json), indent: 2)
        }
    }

    /// Scalar fields, the builds table, statistics, then the first errors of each failed build.
    public func toon(maximumErrorsPerBuild: Int = 5) -> String {
        let line = OneLine.escape
        var lines = [
            "status\t\(status.rawValue)",
            "command\t\(line(command))",
            "duration_seconds\t\(durationSeconds)",
            "total\t\(builds.count)",
            "succeeded\t\(count(.success))",
            "failed\t\(builds.filter(\.failed).count)",
            "skipped\t\(count(.skipped))",
            "cancelled\t\(count(.cancelled))",
            "cached\t\(count(.cached))",
            "time_saved_seconds\t\(timeSavedSeconds)",
        ]
        if let tests = testTotals {
            lines += ["tests_passed\t\(tests.passed)", "tests_failed\t\(tests.failed)", "tests_skipped\t\(tests.skipped)",
                      "tests_total\t\(tests.total)"]
        }
        for problem in cacheProblems { lines.append("cache_warning\t\(line(problem))") }
        lines += [
            "",
            "builds[\(builds.count)]{module,command,status,duration_seconds,errors,warnings,tests,log_file}:",
        ]
        for build in builds {
            // tests: passed/total of the tool's counts (`-`: none).
            lines.append([build.module, build.command, build.status.rawValue, String(build.durationSeconds),
                          String(build.errors.count), String(build.warningCount),
                          build.tests.map { "\($0.passed)/\($0.total)" } ?? "-", build.logFile ?? "-"]
                .map(line).joined(separator: "\t"))
        }
        // Where each build ran, when a remote execution cluster was configured.
        let placed = builds.filter { $0.executed != nil }
        if !placed.isEmpty {
            lines.append("")
            lines.append("executed[\(placed.count)]{module,executed,worker}:")
            for build in placed {
                lines.append([build.module, build.executed ?? "-", build.worker ?? "-"].map(line).joined(separator: "\t"))
            }
        }
        // Why each build that ran was not taken from the cache; counts here,
        // the paths in the JSON form and `planbuild cache explain`.
        let misses = builds.filter { $0.ran && $0.status != .cached && $0.cacheMiss != nil }
        if !misses.isEmpty {
            lines.append("")
            lines.append("cache_misses[\(misses.count)]{module,reason,added,modified,deleted}:")
            for build in misses {
                let miss = build.cacheMiss!
                lines.append([line(build.module), miss.reason.rawValue, String(miss.changes.added.count),
                              String(miss.changes.modified.count), String(miss.changes.deleted.count)].joined(separator: "\t"))
            }
        }
        let stats = statistics
        lines.append("")
        lines.append("stats:")
        lines.append("  average_seconds: \(stats.averageSeconds)")
        if let fastest = stats.fastest { lines.append("  fastest: \(line(fastest.module)) (\(fastest.durationSeconds)s)") }
        if let slowest = stats.slowest { lines.append("  slowest: \(line(slowest.module)) (\(slowest.durationSeconds)s)") }
        for build in builds where build.failed {
            let shown = Array(build.errors.prefix(maximumErrorsPerBuild))
            lines.append("")
            if shown.isEmpty {
                lines.append("\(line(build.module)):\t\(build.status.rawValue)\(build.reason.map { "\t" + line($0) } ?? "")")
                continue
            }
            lines.append("errors:\(line(build.module))[\(shown.count)]{file,line,message,category}:")
            for issue in shown {
                lines.append([line(issue.file ?? "-"), issue.line.map(String.init) ?? "-", line(issue.message),
                              line(issue.category ?? "")].joined(separator: "\t"))
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension BuildReport {
    public var json: JSONObject {
        var object = JSONObject([
            ("module", .string(module)),
            ("command", .string(command)),
            ("status", .string(status.rawValue)),
            ("duration_seconds", .int(durationSeconds)),
            ("log_file", logFile.map(JSONValue.string) ?? .null),
            ("errors", .int(errors.count)),
            ("warnings", .int(warningCount)),
            ("tests", tests.map { $0.json } ?? .null),
        ])
        if let exitCode { object["exit_code"] = .int(exitCode) }
        if let reason { object["reason"] = .string(reason) }
        if let timeSavedSeconds { object["time_saved_seconds"] = .int(timeSavedSeconds) }
        if status == .cached { object["cache"] = .string(cacheSource ?? "local") }
        if let executed { object["executed"] = .string(executed) }
        if let worker { object["worker"] = .string(worker) }
        if ran, status != .cached, let cacheMiss { object["cache_miss"] = .object(cacheMiss.json) }
        if !errors.isEmpty { object["first_errors"] = .array(errors.prefix(5).map { $0.rowJSON(includeAccepted: false) }) }
        object["duration_ms"] = .int(durationMilliseconds)
        object["started_ms"] = startedAtMilliseconds.map(JSONValue.int) ?? .null
        object["finished_ms"] = finishedAtMilliseconds.map(JSONValue.int) ?? .null
        return object
    }
}
