import PlanBuildSupport
import PlanBuildOrchestration

/// A run as Chrome trace-event JSON, the build profile that Perfetto and
/// chrome://tracing open: one lane (thread) per concurrent slot, one complete span ("ph":"X") per
/// build that ran, with module, command and status in its args; an instant event ("ph":"i") where a
/// build was cancelled or timed out, and one per cache hit on a lane of its own. Times are
/// microseconds from the start of the run.
extension RunReport {
    public var traceEvents: JSONObject {
        var events: [JSONValue] = []
        let spans = builds.enumerated().filter { $0.element.ran && $0.element.status != .cached && $0.element.finishedAtMilliseconds != nil }
        let lanes = Self.lanes(spans.map { ($0.element.startedAtMilliseconds!, $0.element.finishedAtMilliseconds!) })
        let laneCount = (lanes.max() ?? -1) + 1
        events.append(Self.metadata("process_name", lane: 0, name: "planbuild \(command)"))
        for lane in 0..<laneCount { events.append(Self.metadata("thread_name", lane: lane + 1, name: "slot \(lane + 1)")) }
        for ((index, build), lane) in zip(spans, lanes) {
            let start = build.startedAtMilliseconds!, end = build.finishedAtMilliseconds!
            var args = JSONObject([("module", .string(build.module)), ("command", .string(build.command)),
                                   ("status", .string(build.status.rawValue)), ("index", .int(index)),
                                   ("errors", .int(build.errors.count)), ("warnings", .int(build.warningCount))])
            if let exitCode = build.exitCode { args["exit_code"] = .int(exitCode) }
            if let logFile = build.logFile { args["log_file"] = .string(logFile) }
            events.append(.object(JSONObject([
                ("name", .string(build.module)), ("cat", .string("build")), ("ph", .string("X")),
                ("ts", .int(start * 1000)), ("dur", .int(max(0, end - start) * 1000)),
                ("pid", .int(1)), ("tid", .int(lane + 1)), ("args", .object(args)),
            ])))
            if build.status == .cancelled || build.status == .timeout || build.status == .killed {
                events.append(Self.instant(build.status.rawValue, build: build, at: end, lane: lane + 1))
            }
        }
        let hits = builds.filter { $0.status == .cached }
        if !hits.isEmpty {
            events.append(Self.metadata("thread_name", lane: laneCount + 1, name: "cache hits"))
            for build in hits {
                events.append(Self.instant("cached", build: build, at: build.startedAtMilliseconds ?? 0, lane: laneCount + 1))
            }
        }
        return JSONObject([("traceEvents", .array(events)), ("displayTimeUnit", .string("ms"))])
    }

    /// The lowest free lane for each span in start order: a lane is free once its last span ended,
    /// so no two spans of a lane overlap and there are as many lanes as builds ever ran at once.
    static func lanes(_ spans: [(start: Int, end: Int)]) -> [Int] {
        var laneEnds: [Int] = []
        var result = Array(repeating: 0, count: spans.count)
        for index in spans.indices.sorted(by: { spans[$0].start != spans[$1].start ? spans[$0].start < spans[$1].start : $0 < $1 }) {
            let span = spans[index]
            if let free = laneEnds.firstIndex(where: { $0 <= span.start }) {
                laneEnds[free] = span.end
                result[index] = free
            } else {
                laneEnds.append(span.end)
                result[index] = laneEnds.count - 1
            }
        }
        return result
    }

    private static func metadata(_ kind: String, lane: Int, name: String) -> JSONValue {
        .object(JSONObject([("name", .string(kind)), ("ph", .string("M")), ("pid", .int(1)), ("tid", .int(lane)),
                            ("args", .object(JSONObject([("name", .string(name))])))]))
    }

    private static func instant(_ what: String, build: BuildReport, at milliseconds: Int, lane: Int) -> JSONValue {
        .object(JSONObject([
            ("name", .string("\(what) \(build.module)")), ("cat", .string(what)), ("ph", .string("i")), ("s", .string("t")),
            ("ts", .int(milliseconds * 1000)), ("pid", .int(1)), ("tid", .int(lane)),
            ("args", .object(JSONObject([("module", .string(build.module)), ("command", .string(build.command)),
                                         ("status", .string(build.status.rawValue))] + (build.reason.map { [("reason", JSONValue.string($0))] } ?? [])))),
        ]))
    }
}
