import PlanBuildSupport
import PlanBuildModel
import PlanBuildCache

/// What `orchestrate` would do, without running, recording or downloading anything: every module
/// of the project, the builds in the order they can start (each after what it depends on) with
/// the cache's decision — made by the same code a real run uses (Orchestrator.prepare) — then
/// the modules that would not run, and why.
public struct DryRunReport: Sendable {
    public enum Action: String, Sendable { case run, cached, skipped }

    public struct Entry: Sendable {
        public let module: String
        public let action: Action
        /// `run`: the cache miss (its reason and the changed files).
        public let miss: CacheMiss?
        /// `cached`: where the result comes from (`local`) and the build time it saves.
        public let cacheSource: String?
        public let timeSavedSeconds: Int?
        /// `skipped`: why the module is not built.
        public let reason: String?
        /// The modules of this run it waits for.
        public let dependencies: [String]
    }

    public let command: String
    public let entries: [Entry]
    public let cacheProblems: [String]
    /// `--affected`: the refs compared and the changed files found.
    public let affectedBase: String?
    public let affectedHead: String?
    public let changedFiles: [String]?
}

extension Orchestrator {
    /// The run's decisions as the next real run makes them. The remote cache is not asked: a hit
    /// there would download its artifacts, and a dry run changes nothing (a local miss that a
    /// remote cache could answer is shown as `run`, and says so in the cache warnings).
    public static func dryRun(command: String, options: OrchestrationOptions, layout: ProjectLayout) throws(PlanBuildError) -> DryRunReport {
        let prepared = try prepare(command: command, options: options, layout: layout, useRemote: false)
        let plan = prepared.plan
        var entries: [DryRunReport.Entry] = []
        for index in plan.dependencyOrder {
            let build = plan.builds[index]
            switch prepared.incremental?.decisions[index] {
            case .hit(let record)?:
                entries.append(DryRunReport.Entry(module: build.module, action: .cached, miss: nil, cacheSource: "local",
                                     timeSavedSeconds: record.durationSeconds, reason: nil, dependencies: build.dependencies))
            case .miss(let miss)?:
                entries.append(DryRunReport.Entry(module: build.module, action: .run, miss: miss, cacheSource: nil, timeSavedSeconds: nil,
                                     reason: nil, dependencies: build.dependencies))
            case nil:
                entries.append(DryRunReport.Entry(module: build.module, action: .run, miss: nil, cacheSource: nil, timeSavedSeconds: nil,
                                     reason: nil, dependencies: build.dependencies))
            }
        }
        let planned = Set(plan.builds.map(\.module))
        let inFullPlan = Set(prepared.fullPlan.builds.map(\.module))
        for module in prepared.architecture.modules where !planned.contains(module.name) {
            let reason: String
            if inFullPlan.contains(module.name) {
                reason = "not affected by the changes" // the only narrowing after the plan
            } else if module.commandLine(for: command) == nil {
                reason = "no command '\(command)'"
            } else if let requested = options.modules, !requested.isEmpty {
                reason = "not requested"
            } else {
                reason = "the root module aggregates the others (it runs only when named)"
            }
            entries.append(DryRunReport.Entry(module: module.name, action: .skipped, miss: nil, cacheSource: nil, timeSavedSeconds: nil,
                                 reason: reason, dependencies: []))
        }
        var problems = prepared.cacheProblems
        if options.cache.remoteURL != nil || options.cache.remoteWrite {
            problems.append("dry run: the remote cache is not asked (a hit there would download artifacts)")
        }
        if options.remoteExecutionURL != nil {
            problems.append("dry run: the remote execution cluster is not asked (the builds marked run would run there)")
        }
        return DryRunReport(command: command, entries: entries, cacheProblems: problems,
                            affectedBase: prepared.affected?.changes.base, affectedHead: prepared.affected.map { $0.changes.head ?? "working tree" },
                            changedFiles: prepared.affected?.changes.files)
    }
}
