/// What happened to one build of an orchestrated run.
public struct BuildReport: Equatable, Sendable {
    public enum Status: String, Sendable { case success, error, timeout, skipped, cancelled, cached }

    public let module: String
    public let command: String
    public var status: Status
    public var durationSeconds: Int = 0
    public var durationMilliseconds: Int = 0
    public var logFile: String?
    public var exitCode: Int?
    public var errors: [Issue] = []
    public var warningCount: Int = 0
    public var tests: TestSummary?
    /// Why a build was skipped or could not run.
    public var reason: String?
    /// Milliseconds from the start of the run; nil for builds that never started.
    public var startedAtMilliseconds: Int?
    public var finishedAtMilliseconds: Int?
    /// A cache hit: the recorded duration of the build it stands for.
    public var timeSavedSeconds: Int?
    /// Why a build that ran (or would run) was not taken from the cache.
    public var cacheMiss: CacheMiss?

    public init(module: String, command: String, status: Status) {
        self.module = module
        self.command = command
        self.status = status
    }

    var ran: Bool { startedAtMilliseconds != nil }
    var failed: Bool { status == .error || status == .timeout }
    /// What dependents may build on: a success, or a cache hit that stands for one.
    var succeeded: Bool { status == .success || status == .cached }
}

/// The completion report of an orchestrated run (SPEC section 5, "Orchestration").
public struct RunReport: Equatable, Sendable {
    public enum Status: String, Sendable { case success, failure, partial }

    public let command: String
    public var builds: [BuildReport]
    public var durationMilliseconds: Int
    /// Build-cache problems of this run (a corrupt record, a cache that could not be used), once each.
    public var cacheProblems: [String] = []

    /// `success`: every build succeeded (or was a cache hit); `failure`: none did; `partial`: some did.
    public var status: Status {
        let succeeded = builds.filter(\.succeeded).count
        if succeeded == builds.count { return .success }
        return succeeded == 0 ? .failure : .partial
    }

    public var durationSeconds: Int { durationMilliseconds / 1000 }
    public var timeSavedSeconds: Int { builds.reduce(0) { $0 + ($1.timeSavedSeconds ?? 0) } }

    func count(_ status: BuildReport.Status) -> Int { builds.filter { $0.status == status }.count }

    public struct Statistics: Equatable, Sendable {
        public let averageSeconds: Double
        public let fastest: BuildReport?
        public let slowest: BuildReport?
    }

    /// Over the builds that ran to an end (success, error, timeout).
    public var statistics: Statistics {
        let ran = builds.filter { $0.ran && $0.status != .cancelled && $0.status != .cached }
        guard !ran.isEmpty else { return Statistics(averageSeconds: 0, fastest: nil, slowest: nil) }
        let total = ran.reduce(0) { $0 + $1.durationMilliseconds }
        let average = (Double(total) / Double(ran.count) / 1000 * 10).rounded() / 10
        return Statistics(averageSeconds: average,
                          fastest: ran.min { $0.durationMilliseconds < $1.durationMilliseconds },
                          slowest: ran.max { $0.durationMilliseconds < $1.durationMilliseconds })
    }

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
            ("builds", .array(builds.map { .object($0.json) })),
            ("stats", .object(JSONObject([
                ("average_seconds", .double(stats.averageSeconds)),
                ("fastest", brief(stats.fastest)),
                ("slowest", brief(stats.slowest)),
            ]))),
        ] + (cacheProblems.isEmpty ? [] : [("cache_warnings", JSONValue.array(cacheProblems.map(JSONValue.string)))]))
    }

    // MARK: TOON

    /// Scalar fields, the builds table, statistics, then the first errors of each failed build.
    /// The report as text: TOON, or JSON indented by two (what `orchestrate --format` prints).
    public func text(_ format: ResultFormatter.Format) -> String {
        switch format {
        case .toon: return toon()
        case .json: return JSONWriter.write(.object(json), indent: 2)
        }
    }

    public func toon(maximumErrorsPerBuild: Int = 5) -> String {
        var lines = [
            "status\t\(status.rawValue)",
            "command\t\(ResultFormatter.flatten(command))",
            "duration_seconds\t\(durationSeconds)",
            "total\t\(builds.count)",
            "succeeded\t\(count(.success))",
            "failed\t\(builds.filter(\.failed).count)",
            "skipped\t\(count(.skipped))",
            "cancelled\t\(count(.cancelled))",
            "cached\t\(count(.cached))",
            "time_saved_seconds\t\(timeSavedSeconds)",
        ]
        for problem in cacheProblems { lines.append("cache_warning\t\(ResultFormatter.flatten(problem))") }
        lines += [
            "",
            "builds[\(builds.count)]{module,command,status,duration_seconds,errors,warnings,log_file}:",
        ]
        for build in builds {
            lines.append([build.module, build.command, build.status.rawValue, String(build.durationSeconds),
                          String(build.errors.count), String(build.warningCount), build.logFile ?? "-"]
                .map(ResultFormatter.flatten).joined(separator: "\t"))
        }
        let misses = builds.filter { $0.ran && $0.status != .cached && $0.cacheMiss != nil }
        if !misses.isEmpty {
            lines.append("")
            lines.append("cache_misses[\(misses.count)]{module,reason,added,modified,deleted}:")
            for build in misses {
                let miss = build.cacheMiss!
                lines.append([ResultFormatter.flatten(build.module), miss.reason.rawValue, String(miss.changes.added.count),
                              String(miss.changes.modified.count), String(miss.changes.deleted.count)].joined(separator: "\t"))
            }
        }
        let stats = statistics
        lines.append("")
        lines.append("stats:")
        lines.append("  average_seconds: \(stats.averageSeconds)")
        if let fastest = stats.fastest { lines.append("  fastest: \(fastest.module) (\(fastest.durationSeconds)s)") }
        if let slowest = stats.slowest { lines.append("  slowest: \(slowest.module) (\(slowest.durationSeconds)s)") }
        for build in builds where build.failed {
            let shown = Array(build.errors.prefix(maximumErrorsPerBuild))
            lines.append("")
            if shown.isEmpty {
                lines.append("\(build.module):\t\(build.status.rawValue)\(build.reason.map { "\t" + ResultFormatter.flatten($0) } ?? "")")
                continue
            }
            lines.append("errors:\(build.module)[\(shown.count)]{file,line,message,category}:")
            for issue in shown {
                lines.append([issue.file ?? "-", issue.line.map(String.init) ?? "-", ResultFormatter.flatten(issue.message),
                              issue.category ?? ""].joined(separator: "\t"))
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
        if ran, status != .cached, let cacheMiss { object["cache_miss"] = .object(cacheMiss.json) }
        if !errors.isEmpty { object["first_errors"] = .array(errors.prefix(5).map { $0.rowJSON(includeAccepted: false) }) }
        object["duration_ms"] = .int(durationMilliseconds)
        object["started_ms"] = startedAtMilliseconds.map(JSONValue.int) ?? .null
        object["finished_ms"] = finishedAtMilliseconds.map(JSONValue.int) ?? .null
        return object
    }
}
