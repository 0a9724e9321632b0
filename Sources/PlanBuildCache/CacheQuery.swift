import PlanBuildSupport
import PlanBuildModel

/// The cache's questions and maintenance, one home for `planbuild cache …`, `pb_cache` and the
/// Python `cache` module: `stats`, `list`, `clear` and `explain` (why would this build run?).
public enum CacheQuery {
    public enum Action: String, Sendable, CaseIterable {
        case stats, list, clear, explain
    }

    /// Answers `action` as a JSON object (the ABI's answer; `text` renders it for the CLI).
    /// `module` limits list and clear, and names the build to explain; `command` defaults to `verify`.
    public static func answer(_ action: Action, layout: ProjectLayout, module: String? = nil,
                              command: String? = nil) throws(PlanBuildError) -> JSONObject {
        let store = BuildCacheStore(layout: layout)
        switch action {
        case .stats:
            var object = CacheStatistics.read(store).json
            object["directory"] = .string(store.directory)
            return object
        case .list:
            let listed = store.entries(module: module)
            var object = JSONObject([("entries", .array(listed.entries.map { entry in
                .object(JSONObject([
                    ("module", .string(entry.record.module)), ("command", .string(entry.record.command)),
                    ("duration_seconds", .int(entry.record.durationSeconds)), ("bytes", .int(entry.bytes)),
                    ("recorded_at", .int(entry.record.recordedAt)), ("artifacts", .int(entry.record.artifacts.count)),
                    ("input_digest", .string(entry.record.inputDigest)),
                ]))
            }))])
            if !listed.unreadable.isEmpty { object["unreadable"] = .array(listed.unreadable.map(JSONValue.string)) }
            return object
        case .clear:
            let removed = try store.clear(module: module)
            return JSONObject([("cleared", .int(removed)), ("module", module.map(JSONValue.string) ?? .null)])
        case .explain:
            guard let module else { throw PlanBuildError(.invalidRequest, "explain needs a module (--module M)") }
            let command = command ?? "verify"
            let architecture = try ProjectArchitecture.load(layout)
            let plan = try OrchestrationPlan.make(command: command, modules: [module], architecture: architecture)
            let run = try IncrementalRun(plan: plan, architecture: architecture, layout: layout,
                                         settings: IncrementalSettings.load(layout), request: IncrementalRun.Request())
            var object = JSONObject([("module", .string(module)), ("command", .string(command))])
            switch run.decisions[0] {
            case .hit(let record):
                object["decision"] = "cached"
                object["time_saved_seconds"] = .int(record.durationSeconds)
                object["recorded_at"] = .int(record.recordedAt)
            case .miss(let miss):
                object["decision"] = "rebuild"
                object["cache_miss"] = .object(miss.json)
            }
            if !run.problems.isEmpty { object["cache_warnings"] = .array(run.problems.map(JSONValue.string)) }
            return object
        }
    }
}
