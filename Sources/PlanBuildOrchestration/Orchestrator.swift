import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildCache
import PlanBuildRemoteExecution

/// Options of an orchestrated run.
public struct OrchestrationOptions: Sendable {
    /// Concurrency limit; nil: the number of CPUs; 0: unlimited.
    public var jobs: Int?
    public var sequential: Bool = false
    /// Start nothing new after the first failure; the rest is reported `skipped`.
    public var stopOnFailure: Bool = false
    /// A hard limit per build replacing the learned timeout.
    public var timeoutSeconds: Int?
    /// nil or empty: every module that has the command.
    public var modules: [String]?
    public var mode: WarningMode = .actionable
    public var learnTimeouts: Bool = true
    /// The build cache: on by default; `disabled` is `--no-cache`,
    /// `forced` the modules of `--force` (their dependents follow through the input digests).
    public var cache = IncrementalRun.Request()
    /// The environment every build gets (the build server's client's); nil: this process's.
    public var environment: [String]?
    /// The builds' umask (the build server's client's); nil: this process's.
    public var fileMask: Int?
    /// The build server's gate (machine-wide slots, identical builds shared); nil starts each
    /// build as soon as the concurrency limit allows.
    public var gate: (any BuildGate)?
    /// How a command line that names one of PlanBuild's build scripts is read and run in this
    /// process. No default: the scripts' rules live in a layer above (PlanBuildScripts'
    /// BuildScriptRuns), and a caller that forgot them would run every script line as a process
    /// of its own, so each caller hands them in.
    public var scripts: any ScriptRuns
    /// `--affected`: only the modules whose files differ between two git states, and their dependents.
    public var affected: AffectedRequest?
    /// `--remote-execution grpc://HOST:PORT` and `--instance NAME`: each build runs on that
    /// cluster (RemoteExecutionSettings.resolve, over `incremental.remote_execution`).
    public var remoteExecutionURL: String?
    public var remoteInstance: String?

    public init(scripts: any ScriptRuns, jobs: Int? = nil, sequential: Bool = false, stopOnFailure: Bool = false,
                timeoutSeconds: Int? = nil, modules: [String]? = nil, mode: WarningMode = .actionable) {
        self.scripts = scripts
        self.jobs = jobs
        self.sequential = sequential
        self.stopOnFailure = stopOnFailure
        self.timeoutSeconds = timeoutSeconds
        self.modules = modules
        self.mode = mode
    }

    /// The options' own rules, checked before anything is read or started (the CLI, the ABI and
    /// the Python shims all come through here): a limit and "one at a time" cannot both be asked for.
    public func validate() throws(PlanBuildError) {
        try Self.validate(jobs: jobs, sequential: sequential)
        try RemoteExecutionSettings.validate(url: remoteExecutionURL, instance: remoteInstance)
    }

    /// The same rules on the values alone, for a command line checked before anything is built.
    public static func validate(jobs: Int?, sequential: Bool = false) throws(PlanBuildError) {
        if let jobs, jobs < 0 { throw PlanBuildError(.invalidRequest, "jobs must be 0 (unlimited) or more") }
        if sequential && jobs != nil { throw PlanBuildError(.invalidRequest, "jobs and sequential exclude each other") }
    }

    var concurrencyLimit: Int {
        if sequential { return 1 }
        guard let jobs else { return SystemInfo.processorCount }
        return jobs <= 0 ? Int.max : jobs
    }
}

/// Runs a canonical command over many modules: concurrency limit, dependency order, stop or
/// continue on failure, cancellation, progress events. Events are delivered one at a time on
/// the calling thread, so a slow or failing callback delays scheduling but never corrupts it
/// and never stops running builds.
public enum Orchestrator {
    public typealias ProgressHandler = (ProgressEvent) -> Void

    public static func run(command: String, options: OrchestrationOptions, layout: ProjectLayout,
                           cancellation: CancellationToken = CancellationToken(),
                           progress: ProgressHandler = { _ in }) throws(PlanBuildError) -> RunReport {
        let prepared = try prepare(command: command, options: options, layout: layout, useRemote: true)
        let run = OrchestratedRun(plan: prepared.plan, options: options, layout: layout, cancellation: cancellation,
                                  incremental: prepared.incremental, cacheProblems: prepared.cacheProblems, command: command,
                                  remoteExecution: prepared.remoteExecution)
        return run.execute(progress: progress)
    }

    /// What a run decides before it starts anything: the plan (narrowed to the affected modules
    /// when asked) and the cache's decision for each build. A dry run shows exactly this.
    struct Prepared {
        let architecture: ProjectArchitecture
        /// Every build the command and the requested modules give, before narrowing.
        let fullPlan: OrchestrationPlan
        let plan: OrchestrationPlan
        let incremental: IncrementalRun?
        let cacheProblems: [String]
        let affected: (changes: GitChanges, modules: Set<String>)?
        /// The cluster the builds run on; nil: here.
        let remoteExecution: RemoteExecutionRun?
    }

    static func prepare(command: String, options: OrchestrationOptions, layout: ProjectLayout,
                        useRemote: Bool) throws(PlanBuildError) -> Prepared {
        try options.validate()
        let architecture = try ProjectArchitecture.load(layout)
        let fullPlan = try OrchestrationPlan.make(command: command, modules: options.modules, architecture: architecture)
        for name in options.cache.forced.sorted() { _ = try architecture.requireModule(name) }
        var plan = fullPlan
        var affected: (changes: GitChanges, modules: Set<String>)?
        if let request = options.affected {
            let changes = try GitChanges.find(projectDirectory: layout.projectDir, base: request.base, head: request.head)
            let modules = AffectedModules(architecture: architecture, layout: layout).modules(changed: changes.files)
            affected = (changes, modules)
            plan = plan.keeping(modules)
        }
        var cacheProblems: [String] = []
        var incremental: IncrementalRun?
        let settings = IncrementalSettings.load(layout)
        // Only a run asks a cluster (a dry run says what it would do without it).
        let remoteSettings = useRemote ? RemoteExecutionSettings.resolve(file: settings.remoteExecution, url: options.remoteExecutionURL,
                                                                         instance: options.remoteInstance) : nil
        do {
            var request = options.cache
            request.useRemote = useRemote
            // An action names its input files, also when the cache is off.
            request.listInputs = remoteSettings != nil
            // `--remote-cache grpc://…`: the shared cache on a REAPI server's ActionCache and CAS.
            let instance = options.remoteInstance ?? remoteSettings?.instance ?? ""
            request.grpcTransport = { settings throws(PlanBuildError) in try REAPICacheTransport(settings: settings, instance: instance) }
            if request.environment == nil { request.environment = options.environment }
            incremental = try IncrementalRun(plan: plan, architecture: architecture, layout: layout,
                                             settings: settings, request: request)
            cacheProblems = incremental?.problems ?? []
        } catch {
            // The cache is an optimisation: without it every build runs, as before, and the report says why.
            cacheProblems = ["build cache not used: \(error.message)"]
        }
        var remoteExecution: RemoteExecutionRun?
        if let remoteSettings {
            // Like the cache, the cluster is an optimisation: without it every build runs here.
            do throws(PlanBuildError) {
                guard incremental != nil else { throw PlanBuildError(.cacheUnavailable, "the build's inputs could not be listed") }
                remoteExecution = try RemoteExecutionRun(settings: remoteSettings, layout: layout, hasher: try ContentHasher.shared())
            } catch {
                cacheProblems.append("remote execution not used: \(error.message); built locally")
            }
        }
        return Prepared(architecture: architecture, fullPlan: fullPlan, plan: plan, incremental: incremental,
                        cacheProblems: cacheProblems, affected: affected, remoteExecution: remoteExecution)
    }
}

/// `--affected [--base REF] [--head REF]`: nil refs take GitChanges' defaults.
public struct AffectedRequest: Sendable, Equatable {
    public var base: String?
    public var head: String?

    public init(base: String? = nil, head: String? = nil) {
        self.base = base
        self.head = head
    }

    /// The request of `affected` with its refs, the one rule of every entry point: refs without
    /// `affected` are an error, not silently ignored.
    public static func from(affected: Bool, base: String?, head: String?) throws(PlanBuildError) -> AffectedRequest? {
        guard affected else {
            if base != nil || head != nil { throw PlanBuildError(.invalidRequest, "base and head need affected (--affected)") }
            return nil
        }
        return AffectedRequest(base: base, head: head)
    }
}

/// The state of one run, shared by the coordinator (the caller's thread) and the build threads.
final class OrchestratedRun: @unchecked Sendable {
    private let plan: OrchestrationPlan
    /// The canonical command (also when an affected-only run has no build).
    private let command: String
    private let options: OrchestrationOptions
    private let layout: ProjectLayout
    private let cancellation: CancellationToken
    private let monitor = Monitor()
    private let started = MonotonicClock.milliseconds()
    private let expectedMilliseconds: [Int?]
    private let priority: [Int]
    private let incremental: IncrementalRun?
    private let remoteExecution: RemoteExecutionRun?
    // Guarded by `monitor` once builds run.
    private var cacheProblems: [String]

    // Guarded by `monitor`.
    private var reports: [BuildReport]
    private var pending: [Int]
    private var running: Set<Int> = []
    private var finishedUnreported: [Int] = []
    /// Builds a gate let start, whose start is not reported yet.
    private var startedUnreported: [Int] = []
    private var failureSeen = false
    /// Uploads to the remote cache still going; the run returns when they are done.
    private var uploading = 0
    /// The builds sent to a cluster, by index: where each ran.
    private var launchers: [Int: RemoteBuildLauncher] = [:]

    init(plan: OrchestrationPlan, options: OrchestrationOptions, layout: ProjectLayout, cancellation: CancellationToken,
         incremental: IncrementalRun? = nil, cacheProblems: [String] = [], command: String? = nil,
         remoteExecution: RemoteExecutionRun? = nil) {
        self.remoteExecution = remoteExecution
        self.command = command ?? plan.builds.first?.command ?? ""
        self.plan = plan
        self.incremental = incremental
        self.cacheProblems = cacheProblems
        self.options = options
        self.layout = layout
        self.cancellation = cancellation
        self.reports = plan.builds.map { BuildReport(module: $0.module, command: $0.command, status: .skipped) }
        if let incremental {
            for index in reports.indices {
                if case .miss(let miss) = incremental.decisions[index] { reports[index].cacheMiss = miss }
            }
        }
        let expected = OrchestratedRun.learnedDurations(plan: plan, layout: layout, scripts: options.scripts)
        let priority = plan.remainingPathMilliseconds(expected: expected)
        self.priority = priority
        self.expectedMilliseconds = expected
        // Critical-path order (OrchestrationPlan.remainingPathMilliseconds): ready builds start longest remaining path first; ties keep derived-data.json's order.
        // `sequential` asks for one build after the other, which gains nothing from it: such a run
        // goes in dependency order as the build tools' own reactors do (derived-data.json's order
        // among ready builds), so with stop-on-failure a long module that fails cannot keep the
        // modules listed before it from running.
        self.pending = options.sequential ? Array(plan.builds.indices)
            : plan.builds.indices.sorted { priority[$0] != priority[$1] ? priority[$0] > priority[$1] : $0 < $1 }
    }

    private var elapsed: Int { MonotonicClock.milliseconds() - started }

    func execute(progress: Orchestrator.ProgressHandler) -> RunReport {
        progress(.runStarted(command: command, total: plan.builds.count,
                             jobs: options.concurrencyLimit == Int.max ? nil : options.concurrencyLimit,
                             modules: plan.builds.map(\.module)))
        while true {
            var events: [ProgressEvent] = []
            let done: Bool = monitor.withLock {
                for index in startedUnreported {
                    events.append(startedEvent(index))
                }
                startedUnreported.removeAll()
                for index in finishedUnreported {
                    events.append(finishedEvent(index))
                }
                finishedUnreported.removeAll()
                events.append(contentsOf: schedule())
                if !events.isEmpty { events.append(summaryEvent()) }
                if pending.isEmpty && running.isEmpty && uploading == 0 { return true }
                if events.isEmpty { monitor.wait(milliseconds: 200) }
                return false
            }
            for event in events { progress(event) }
            if done { break }
        }
        var report = monitor.withLock { RunReport(command: command, builds: reports, durationMilliseconds: elapsed) }
        report.cacheProblems = monitor.withLock { cacheProblems }
        if let warning = incremental?.remote?.warning { report.cacheProblems.append(warning) }
        if let warning = remoteExecution?.warning { report.cacheProblems.append(warning) }
        if let incremental {
            let hits = report.builds.filter { $0.status == .cached }
            let misses = report.builds.filter { $0.ran && $0.status != .cached }.count
            do {
                if let problem = try CacheStatistics.add(hits: hits.count, misses: misses,
                                                         timeSavedSeconds: hits.reduce(0) { $0 + ($1.timeSavedSeconds ?? 0) },
                                                         remote: incremental.remote?.statistics ?? RemoteCache.Counts(),
                                                         to: incremental.store) {
                    report.cacheProblems.append(problem)
                }
            } catch {
                report.cacheProblems.append(error.message)
            }
        }
        progress(.runFinished(status: report.status, durationSeconds: report.durationSeconds, total: report.builds.count))
        return report
    }

    /// With the lock held: starts what may start, skips what never can; returns the events.
    private func schedule() -> [ProgressEvent] {
        var events: [ProgressEvent] = []
        if cancellation.isCancelled {
            for index in pending {
                reports[index].status = .cancelled
                reports[index].reason = "cancelled before it started"
                events.append(skippedEvent(index))
            }
            pending.removeAll()
            return events
        }
        var stillPending: [Int] = []
        var waiting = Set(pending) // not yet decided in this pass, or kept pending
        for index in pending {
            let build = plan.builds[index]
            var ready = true
            var broken: BuildReport?
            for dependency in build.dependencies {
                guard let other = plan.builds.firstIndex(where: { $0.module == dependency }) else { continue }
                if waiting.contains(other) || running.contains(other) { ready = false; continue }
                if !reports[other].succeeded { broken = reports[other]; break }
            }
            // A failed dependency is named in both modes: it is the more specific reason.
            if let broken {
                skip(index, because: "dependency \(broken.module) did not succeed (\(broken.status.rawValue))", events: &events)
                waiting.remove(index)
            } else if options.stopOnFailure && failureSeen {
                skip(index, because: "not started: an earlier build failed (stop on failure)", events: &events)
                waiting.remove(index)
            } else if ready, case .hit(let record)? = incremental?.decisions[index] {
                // A hit is not run: it takes no slot and is finished at once.
                takeFromCache(index, record)
                waiting.remove(index)
                events.append(finishedEvent(index)) // finished without a start: nothing ran
            } else if ready && running.count < options.concurrencyLimit {
                start(index)
                waiting.remove(index)
                // Behind a gate the build may wait for a slot: its start is reported when it starts.
                if options.gate == nil { events.append(startedEvent(index)) }
            } else {
                stillPending.append(index)
            }
        }
        pending = stillPending
        return events
    }

    private func skip(_ index: Int, because reason: String, events: inout [ProgressEvent]) {
        reports[index].status = .skipped
        reports[index].reason = reason
        events.append(skippedEvent(index))
    }

    private func takeFromCache(_ index: Int, _ record: CacheRecord) {
        var report = reports[index]
        report.status = .cached
        report.startedAtMilliseconds = elapsed
        report.finishedAtMilliseconds = report.startedAtMilliseconds
        report.logFile = record.logFile
        report.tests = record.tests
        report.warningCount = record.warnings
        report.timeSavedSeconds = record.durationSeconds
        report.cacheSource = incremental?.remoteHits.contains(index) == true ? "remote" : "local"
        report.exitCode = 0
        reports[index] = report
    }

    private func start(_ index: Int) {
        running.insert(index)
        if options.gate == nil { reports[index].startedAtMilliseconds = elapsed }
        let started = DetachedThread.start { [self] in
            let result = self.performGated(index)
            var cacheProblem: String?
            if result.status == .success, let incremental = self.incremental {
                cacheProblem = incremental.recordSuccess(index: index, durationMilliseconds: result.durationMilliseconds,
                                                         tests: result.tests, warnings: result.warnings?.count ?? 0,
                                                         logFile: result.logFile.isEmpty ? nil : result.logFile)
            }
            if result.status == .timeout || result.status == .killed || (result.status == .error && result.error != "cancelled") {
                self.incremental?.recordFailure(index: index)
            }
            // Shared after the build is reported finished (its dependents may start meanwhile),
            // before the run returns (`uploading`).
            let share = result.status == .success && cacheProblem == nil && self.incremental?.remote?.canWrite == true
            self.monitor.withLock {
                self.record(result, at: index)
                if let cacheProblem { self.cacheProblems.append(cacheProblem) }
                self.running.remove(index)
                self.finishedUnreported.append(index)
                if share { self.uploading += 1 }
            }
            self.monitor.signal()
            if share {
                self.incremental?.share(index: index)
                self.monitor.withLock { self.uploading -= 1 }
                self.monitor.signal()
            }
        }
        if !started {
            running.remove(index)
            reports[index].status = .error
            reports[index].reason = "could not start a thread for the build"
            reports[index].finishedAtMilliseconds = elapsed
            failureSeen = true
        }
    }

    /// A build through the gate, when there is one: it starts when the gate lets it (or joins the
    /// same build of another run), and its start is reported then.
    private func performGated(_ index: Int) -> BuildResult {
        let build = plan.builds[index]
        guard let gate = options.gate else { return perform(index, cancellation: cancellation) }
        let identity = GatedBuild.identity(["orchestrated", build.module, build.command, build.commandLine, options.mode.rawValue,
                                            options.timeoutSeconds.map(String.init) ?? "learned", String(options.learnTimeouts)],
                                           environment: options.environment, fileMask: options.fileMask)
        let gated = GatedBuild(project: FileSystem.absolute(layout.projectDir), identity: identity,
                               inputDigest: incremental?.inputDigest(at: index), label: build.module,
                               priority: priority[index], expectedMilliseconds: expectedMilliseconds[index])
        let result = gate.run(gated, cancellation: cancellation, started: { [self] in
            monitor.withLock {
                reports[index].startedAtMilliseconds = elapsed
                startedUnreported.append(index)
            }
            monitor.signal()
        }, work: { [self] token in perform(index, cancellation: token) })
        if let result { return result }
        return BuildResult(ProcessOutcome(ending: .cancelled, durationMilliseconds: 0), logFile: "", command: build.commandLine, timeoutUsed: 0)
    }

    private func perform(_ index: Int, cancellation: CancellationToken) -> BuildResult {
        let build = plan.builds[index]
        let invocation: BuildInvocation
        do {
            invocation = try BuildInvocation.from(commandLine: build.commandLine, scripts: options.scripts)
        } catch {
            return BuildResult.notStarted(BuildResult.ErrorKind.executionFailed, command: build.commandLine, message: error.message)
        }
        switch invocation {
        case .engine(let engine):
            var request = BuildRequest(system: engine.system, commandArgs: engine.commandArgs, layout: layout,
                                       mode: engine.mode ?? options.mode)
            request.environmentOverrides = engine.environment.map { ($0.name, $0.value) }
            request.workingDirectory = engine.workingDirectory
            request.logScope = build.module
            request.fixedTimeoutSeconds = options.timeoutSeconds
            request.learnTimeout = options.learnTimeouts
            request.environment = options.environment
            request.fileMask = options.fileMask
            request.processLauncher = remoteLauncher(index, system: engine.system)
            do {
                return try options.scripts.run(request, exports: engine.exports, cancellation: cancellation)
            } catch {
                return BuildResult.notStarted(BuildResult.ErrorKind.executionFailed, command: build.commandLine, message: error.message)
            }
        case .process(let words):
            return ProcessBuild.run(words: words, module: build.module, command: build.command, layout: layout,
                                    timeoutSeconds: options.timeoutSeconds, learn: options.learnTimeouts,
                                    cancellation: cancellation, environment: options.environment, fileMask: options.fileMask,
                                    processLauncher: remoteLauncher(index, system: nil))
        }
    }

    /// Where build `index` runs when the run has a cluster: there (its inputs listed), else here
    /// (nil). `system`: the build's tool; nil: the module's build systems.
    private func remoteLauncher(_ index: Int, system: BuildSystem?) -> RemoteBuildLauncher? {
        guard let remoteExecution, let inputs = incremental?.actionInputs(at: index) else { return nil }
        let launcher = remoteExecution.launcher(inputs: inputs, systems: system.map { [$0] } ?? inputs.buildSystems,
                                                remainingPathMilliseconds: priority[index])
        monitor.withLock { launchers[index] = launcher }
        return launcher
    }

    private func record(_ result: BuildResult, at index: Int) {
        var report = reports[index]
        report.finishedAtMilliseconds = elapsed
        report.durationMilliseconds = result.durationMilliseconds
        report.durationSeconds = result.durationSeconds
        report.logFile = result.logFile.isEmpty ? nil : result.logFile
        report.exitCode = result.exitCode
        report.errors = result.errors ?? []
        report.warningCount = result.warnings?.count ?? 0
        report.warnings = result.warnings ?? []
        report.tests = result.tests
        report.testCases = result.testCases ?? []
        report.reason = result.message
        report.timeoutUsedSeconds = result.timeoutUsedSeconds
        // cached: never from orchestration (it has the cache of its own), so never shown as such.
        report.status = result.status == .cached ? .success : BuildReport.Status(result)
        switch launchers[index]?.placement {
        case .remote(let worker, let cached)?:
            report.executed = "remote"
            report.worker = worker.isEmpty ? nil : worker
            // The cluster's ActionCache had the result: nothing ran, as with a shared cache's hit.
            if cached && report.status == .success {
                report.status = .cached
                report.cacheSource = "remote"
            }
        case .local?: report.executed = "local"
        case nil: break
        }
        if report.status == .error && report.errors.isEmpty, let message = result.message {
            report.reason = message
        }
        if report.failed { failureSeen = true }
        reports[index] = report
    }

    // MARK: Events

    private func identity(_ index: Int) -> ProgressEvent.BuildIdentity {
        ProgressEvent.BuildIdentity(module: plan.builds[index].module, command: plan.builds[index].command, index: index)
    }

    private func startedEvent(_ index: Int) -> ProgressEvent {
        .buildStarted(identity(index), elapsedSeconds: Double(elapsed) / 1000,
                      expectedSeconds: expectedMilliseconds[index].map { Double($0) / 1000 })
    }

    private func finishedEvent(_ index: Int) -> ProgressEvent {
        let report = reports[index]
        return .buildFinished(identity(index), ProgressEvent.BuildOutcome(
            status: report.status, durationSeconds: report.durationSeconds, durationMilliseconds: report.durationMilliseconds,
            errors: report.errors.count, warnings: report.warningCount, logFile: report.logFile,
            timeSavedSeconds: report.timeSavedSeconds,
            cacheMiss: report.ran && report.status != .cached ? report.cacheMiss?.reason : nil,
            firstError: report.failed ? report.errors.first.map(Self.located) ?? report.reason
                ?? report.exitCode.map { "exit code \($0)" } : nil,
            tests: report.tests, ranBecause: report.ranBecause,
            timeoutSeconds: report.status == .timeout ? report.timeoutUsedSeconds : nil))
    }

    /// `file:line: message`, as compilers print it.
    private static func located(_ issue: Issue) -> String {
        guard let file = issue.file else { return issue.message }
        return "\(file)\(issue.line.map { ":\($0)" } ?? ""): \(issue.message)"
    }

    private func skippedEvent(_ index: Int) -> ProgressEvent {
        .buildSkipped(identity(index), status: reports[index].status, reason: reports[index].reason)
    }

    /// Counts, percentage, elapsed and estimated remaining time.
    private func summaryEvent() -> ProgressEvent {
        let total = reports.count
        let completed = reports.indices.filter { !pending.contains($0) && !running.contains($0) }.count
        // Handed to the gate but not started yet (waiting for a slot): still pending.
        let waitingForGate = running.filter { reports[$0].startedAtMilliseconds == nil }.count
        let failed = reports.filter(\.failed).count
        let cancelled = reports.filter { $0.status == .cancelled }.count
        let percent = total == 0 ? 100.0 : (Double(completed) / Double(total) * 1000).rounded() / 10
        // A cancelled run has no time left to estimate: it ends as soon as its builds have stopped.
        let eta = cancellation.isCancelled ? nil : remainingEstimate().map { Double($0) / 1000 }
        return .progress(ProgressEvent.ProgressSummary(
            total: total, completed: completed, failed: failed, running: running.count - waitingForGate,
            pending: pending.count + waitingForGate,
            percent: percent, elapsedSeconds: Double(elapsed) / 1000, etaSeconds: eta, cancelled: cancelled))
    }

    /// RemainingTime.estimate over the builds still to come (cache hits take no time).
    private func remainingEstimate() -> Int? {
        let finished = reports.filter { $0.ran && $0.status != .cached && $0.status != .cancelled && $0.finishedAtMilliseconds != nil }
        let runningBuilds = running.map { index in
            RemainingTime.RunningBuild(expectedMilliseconds: expectedMilliseconds[index],
                                       elapsedMilliseconds: elapsed - (reports[index].startedAtMilliseconds ?? elapsed))
        }
        let pendingBuilds = pending.filter { index in
            if case .hit? = incremental?.decisions[index] { return false }
            return true
        }.map { expectedMilliseconds[$0] }
        return RemainingTime.estimate(running: runningBuilds, pending: pendingBuilds,
                                      finishedMilliseconds: finished.map(\.durationMilliseconds), lanes: options.concurrencyLimit)
    }

    /// What run-configuration.json learned about each build's duration (its weighted value).
    private static func learnedDurations(plan: OrchestrationPlan, layout: ProjectLayout, scripts: any ScriptRuns) -> [Int?] {
        let configuration = RunConfiguration(layout: layout)
        guard let document = try? configuration.load() else { return plan.builds.map { _ in nil } }
        return plan.builds.map { build in
            let key: String
            switch try? BuildInvocation.from(commandLine: build.commandLine, scripts: scripts) {
            case .engine(let engine)?:
                guard let arguments = try? CommandArguments(system: engine.system, commandArgs: engine.commandArgs) else { return nil }
                key = arguments.commandKey
            case .process?, nil:
                key = "command:\(build.command)@\(build.module)"
            }
            return configuration.learnedTimeout(key, in: document).map(TimeoutLimits.milliseconds)
        }
    }
}
