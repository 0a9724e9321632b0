import PlanBuildSupport
import PlanBuildPresentation

/// The text forms of the server's answers (`planbuild server status|list|result`), from the JSON
/// the server sends. Every value is escaped by `OneLine`.
public enum ServerStatusText {
    /// ```
    /// state   running
    /// pid     4711
    /// uptime  2m 05s
    /// slots   2/4 in use
    ///
    /// queue[1]{project,queued_builds,queued_jobs}:
    /// /work/a	38	38
    ///
    /// running[2]{project,build,elapsed,jobs}:
    /// /work/a	maven verify -pl core	12.3s	1f2e…
    ///
    /// totals  jobs 44 · builds 6 · attached 1 · cache answers 3 · killed 0
    /// ```
    public static func toon(_ status: JSONObject) -> String {
        let line = OneLine.escape
        let slots = status["slots"]
        var lines = [
            "state\t\(line(status["state"]?.stringValue ?? "?"))",
            "pid\t\(status["pid"]?.intValue.map(String.init) ?? "?")",
            "uptime\t\(DurationText.format(seconds: status["uptime_seconds"]?.doubleValue ?? 0))",
            "slots\t\(slots?["in_use"]?.intValue ?? 0)/\(slots?["max"]?.intValue ?? 0) in use",
            "socket\t\(line(status["socket"]?.stringValue ?? ""))",
        ]
        let queue = status["queue"]?.arrayValue ?? []
        lines += ["", "queue[\(queue.count)]{project,queued_builds,queued_jobs}:"]
        for entry in queue {
            lines.append([line(entry["project"]?.stringValue ?? ""), String(entry["queued_builds"]?.intValue ?? 0),
                          String(entry["queued_jobs"]?.intValue ?? 0)].joined(separator: "\t"))
        }
        let running = status["running"]?.arrayValue ?? []
        lines += ["", "running[\(running.count)]{project,build,elapsed,jobs}:"]
        for entry in running {
            let jobs = (entry["jobs"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
            lines.append([line(entry["project"]?.stringValue ?? ""), line(entry["build"]?.stringValue ?? ""),
                          DurationText.format(seconds: entry["elapsed_seconds"]?.doubleValue ?? 0), line(jobs)].joined(separator: "\t"))
        }
        let totals = status["totals"]
        func total(_ key: String) -> Int { totals?[key]?.intValue ?? 0 }
        lines += ["", "totals\tjobs \(total("jobs")) · builds \(total("builds")) · attached \(total("attached")) · "
                    + "cache answers \(total("cache_answers")) · killed \(total("killed"))"]
        return lines.joined(separator: "\n")
    }

    public static func jobs(_ jobs: [JSONObject]) -> String {
        var lines = ["jobs[\(jobs.count)]{job,kind,state,status,project,label}:"]
        for job in jobs {
            lines.append(["job", "kind", "state", "status", "project", "label"].map { key in
                job[key]?.stringValue.map(OneLine.escape) ?? "-"
            }.joined(separator: "\t"))
        }
        return lines.joined(separator: "\n")
    }

    /// A finished job's result as `run` (a build) or `orchestrate` (its report's text, when it
    /// was asked for one) prints it; JSON otherwise.
    public static func result(_ result: JSONObject, format: ResultFormatter.Format) -> String {
        if format == .toon, let text = result["text"]?.stringValue { return text }
        if result["builds"] == nil {
            return ResultFormatter.format(result, as: format) + (format == .toon ? "\njob\t\(OneLine.escape(result["job"]?.stringValue ?? ""))" : "")
        }
        return JSONWriter.write(.object(result), indent: 2)
    }
}
