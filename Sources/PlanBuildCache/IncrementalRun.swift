import PlanBuildSupport
import PlanBuildModel

/// The cache's view of one orchestrated run: computed once before anything starts, it knows for
/// every planned build whether it is a hit (and its record) or a miss (and why), and records the
/// builds that succeed. Thread-safe after `init`: `decision` only reads, `recordSuccess` writes
/// files of its own build.
public final class IncrementalRun: Sendable {
    public enum Decision: Sendable {
        case hit(CacheRecord)
        case miss(CacheMiss)
    }

    /// What the caller asked for: `disabled` (`--no-cache`) rebuilds all and records nothing new;
    /// `forced` modules rebuild (and, through the dependency digests, nothing else needs to).
    public struct Request: Sendable {
        public var disabled = false
        public var forced: Set<String> = []
        /// `--remote-cache URL` and `--remote-cache-write` (RemoteCacheSettings.resolve).
        public var remoteURL: String?
        public var remoteWrite = false
        /// Only orchestration asks a remote cache; a single run and `cache explain` stay local.
        public var useRemote = false
        /// The environment of the run's caller (the build server's client), for
        /// `PLANBUILD_REMOTE_CACHE`, the token and `incremental.runtime_inputs`; nil: this process's.
        public var environment: [String]?
        /// A warm file watcher of the project (the build server's, `planbuild watch`'s): its list
        /// of files replaces the scan, so unchanged files are neither stat'ed nor read. nil:
        /// the process-wide one when WarmWatchers is on, else a scan.
        public var watcher: ProjectWatcher?
        /// List and hash every build's inputs even with `disabled`: remote execution sends them
        /// (nothing is taken from or added to the cache all the same).
        public var listInputs = false
        /// The transport of a `grpc://` remote cache (orchestration's remote execution layer).
        package var grpcTransport: RemoteCacheSettings.GrpcTransport?
        public init(disabled: Bool = false, forced: Set<String> = [], remoteURL: String? = nil, remoteWrite: Bool = false,
                    useRemote: Bool = false) {
            self.disabled = disabled
            self.forced = forced
            self.remoteURL = remoteURL
            self.remoteWrite = remoteWrite
            self.useRemote = useRemote
        }
    }

    private struct Prepared: Sendable {
        let inputDigest: String
        let moduleManifest: InputManifest
        let dependencyDigests: [String: String]
    }

    public let store: BuildCacheStore
    public let decisions: [Decision]
    /// The builds whose hit came from the remote cache (their artifacts were just put in place).
    public let remoteHits: Set<Int>
    /// The shared cache of this run, when one is configured and its plugin loaded.
    public let remote: RemoteCache?
    /// Corrupt or foreign cache files met while deciding, each reported once.
    public let problems: [String]
    private let prepared: [Prepared]
    private let builds: [PlannedBuild]
    private let modules: [String: ProjectArchitecture.Module]
    private let globalManifest: InputManifest
    private let disabled: Bool

    /// Scans and hashes the inputs of every planned build and decides hits and misses.
    public init(plan: OrchestrationPlan, architecture: ProjectArchitecture, layout: ProjectLayout,
                settings: IncrementalSettings, request: Request,
                now: Int = Int(time(nil))) throws(PlanBuildError) {
        // `--no-cache`: every build runs and nothing is recorded, so nothing is scanned, hashed or
        // asked of a server either (libnettle is not even opened); only the reason is kept.
        guard !request.disabled || request.listInputs else {
            self.remote = nil
            self.remoteHits = []
            self.store = BuildCacheStore(layout: layout)
            self.decisions = plan.builds.map { _ in .miss(CacheMiss(.disabled)) }
            self.problems = []
            self.prepared = []
            self.builds = plan.builds
            self.modules = [:]
            self.globalManifest = .unused
            self.disabled = true
            return
        }
        let hasher = try ContentHasher.shared()
        let store = BuildCacheStore(layout: layout)
        let project = layout.projectDir
        let threads = SystemInfo.processorCount
        var problems: [String] = []

        let outputFolders = BuildInputs.outputFolders(of: architecture.modules, planDirName: layout.planDirName)
        // A watcher made for other output folders (the modules changed) does not know this list: a scan.
        let warm = (request.watcher ?? WarmWatchers.watcher(projectDirectory: project, outputFolders: outputFolders))
            .flatMap { $0.outputFolders == outputFolders ? $0 : nil }
        let refreshed = warm?.refreshForDecision()
        // With a warm watcher, the records read last time and still unchanged are not read again.
        let remembered = warm?.records.view(of: store)

        var records: [Int: CacheRecord] = [:]
        // A file per build, read and parsed on every core. With remembered records a lookup is a
        // few fstatat calls under one lock: a second thread costs more than it takes over.
        let builds = plan.builds
        let lookups = ParallelMap.map(count: builds.count, threads: remembered == nil ? threads : 1, minimumPerThread: 16) {
            remembered?.record(module: builds[$0].module, command: builds[$0].command)
                ?? store.record(module: builds[$0].module, command: builds[$0].command)
        }
        for (index, lookup) in lookups.enumerated() {
            switch lookup {
            case .record(let record): records[index] = record
            // Once each: a refused cache folder makes every build's lookup say the same.
            case .unreadable(let problem): if !problems.contains(problem) { problems.append(problem) }
            case .none: break
            }
        }
        if let reason = refreshed?.refresh.fullScanReason { problems.append("file watcher: the whole project was scanned: \(reason)") }
        var scanner = warm?.freshScanner() ?? InputScanner(projectDirectory: project, outputFolders: outputFolders)

        let scanStart = warm?.scanStartNanoseconds ?? scanner.startNanoseconds
        let globalInputPaths = BuildInputs.globalPaths(settings: settings, projectDirectory: project)
        let globalFiles = warm?.files(globalInputPaths)?.files ?? scanner.scan(globalInputPaths)
        let globalPaths = Set(globalFiles.map(\.path))
        // The first readable global manifest of any record (a loop: a lazy map's `first` would read it twice).
        var previousGlobal: InputManifest?
        for record in records.values {
            previousGlobal = store.manifest(module: record.module, command: record.command, kind: .global, digest: record.globalDigest)
            if previousGlobal != nil { break }
        }
        var globalManifest = InputManifest.build(globalFiles, projectDirectory: project, previous: previousGlobal,
                                                 hasher: hasher, threads: threads, scanStartNanoseconds: scanStart)
        if !settings.runtimeInputs.isEmpty {
            let runtime = RuntimeInputs.entries(settings.runtimeInputs, projectDirectory: project, hasher: hasher,
                                                environment: request.environment)
            globalManifest = InputManifest(entries: (globalManifest.entries + runtime).sorted { InputManifest.precedes($0.path, $1.path) },
                                           hasher: hasher)
        }

        // Module manifests for the planned modules and everything they depend on, transitively:
        // all scanned first, then hashed in one batch.
        let byName = Dictionary(architecture.modules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var needed: [String] = []
        var queue = plan.builds.map(\.module)
        while let name = queue.popLast() {
            guard !needed.contains(name), let module = byName[name] else { continue }
            needed.append(name)
            queue.append(contentsOf: module.dependencies)
        }
        // Scanned and their previous manifests read on every core, a module per task: on a large
        // project with nothing changed, this walk is nearly all the work of deciding.
        let recordsByModule = Dictionary(grouping: records.keys.sorted(), by: { plan.builds[$0].module })
            .mapValues { $0.map { records[$0]! } }
        let warmScanner = scanner
        let neededModules = needed.map { byName[$0]! }
        // A module whose files all have their recorded identities is settled here, from bytes
        // (InputManifest.unchanged); the others are listed with their previous manifest for
        // hashing in one batch.
        enum Scanned: Sendable {
            case unchanged(InputManifest)
            case changed(files: [ScannedFile], previous: InputManifest?, listings: [[UInt8]: FolderListing])
        }
        // Settled while the watcher saw nothing change below their paths: neither listed nor
        // compared again, and looked up here (a dictionary each: no thread is worth starting).
        let neededPaths = neededModules.map(BuildInputs.modulePaths)
        let settled = neededModules.indices.map { index in
            remembered?.settled(module: neededModules[index].name, paths: neededPaths[index], globalPaths: globalInputPaths)
        }
        let unsettled = settled.indices.filter { settled[$0] == nil }
        let looked: [Scanned] = ParallelMap.map(count: unsettled.count, threads: threads) { item in
            let module = neededModules[unsettled[item]]
            let paths = neededPaths[unsettled[item]]
            var stored: [UInt8]?
            var storedCommand = ""
            for record in recordsByModule[module.name] ?? [] {
                stored = store.manifestBytes(module: record.module, command: record.command, kind: .module, digest: record.moduleDigest)
                storedCommand = record.command
                if stored != nil { break }
            }
            var moduleScanner = warmScanner
            let watched = warm?.files(paths)
            // The folders listed by the previous scan of this module that did not change are not read again.
            if watched == nil { moduleScanner.useListings(previous: stored.map { FolderListings.parse(manifest: $0) } ?? [:]) }
            // The project-wide files belong to the global manifest only, so a change there is never
            // reported as a change of the module (the root module's pom.xml, say).
            let files = (watched ?? moduleScanner.scanFiles(paths)).removing(globalPaths)
            if let stored, let unchanged = InputManifest.unchanged(stored: stored, files: files) {
                if watched != nil, let generation = refreshed?.generation {
                    remembered?.settle(module: module.name, command: storedCommand, paths: paths, globalPaths: globalInputPaths,
                                       manifest: unchanged, generation: generation)
                }
                return .unchanged(unchanged)
            }
            return .changed(files: files.files, previous: stored.flatMap(InputManifest.parse(stored:)), listings: moduleScanner.listings)
        }
        var nextLooked = looked.makeIterator()
        let scanned = settled.map { manifest in manifest.map(Scanned.unchanged) ?? nextLooked.next()! }
        var changedGroups: [(files: [ScannedFile], previous: InputManifest?)] = []
        var changedListings: [[[UInt8]: FolderListing]] = []
        for case .changed(let files, let previous, let listings) in scanned {
            changedGroups.append((files, previous))
            changedListings.append(listings)
        }
        // The racy rule needs a start before each file's stat: the project-wide scan's start precedes them all.
        let rebuilt = InputManifest.buildMany(changedGroups, projectDirectory: project, hasher: hasher, threads: threads,
                                              scanStartNanoseconds: scanStart)
        var nextRebuilt = zip(rebuilt, changedListings).map { $0.withListings($1) }.makeIterator()
        let built = scanned.map { result -> InputManifest in
            if case .unchanged(let manifest) = result { return manifest }
            return nextRebuilt.next()!
        }
        let moduleManifests = Dictionary(uniqueKeysWithValues: zip(needed, built))
        func manifest(of name: String) -> InputManifest? { moduleManifests[name] }
        // A module's content digest covers its files and, transitively, those of its dependencies.
        var contentDigests: [String: String] = [:]
        var visiting: Set<String> = []
        func contentDigest(_ name: String) -> String {
            if let known = contentDigests[name] { return known }
            guard visiting.insert(name).inserted else { return "cycle" }
            defer { visiting.remove(name) }
            var text = "module\t\(manifest(of: name)?.digest ?? "absent")\n"
            for dependency in (byName[name]?.dependencies ?? []).sorted() {
                text += "dependency\t\(dependency)\t\(contentDigest(dependency))\n"
            }
            let digest = hasher.hexDigest(of: text)
            contentDigests[name] = digest
            return digest
        }

        var prepared: [Prepared] = []
        var decisions: [Decision] = []
        let maximumAge = settings.maximumAgeDays * 86_400
        for (index, build) in plan.builds.enumerated() {
            let moduleManifest = manifest(of: build.module) ?? InputManifest(entries: [], hasher: hasher)
            var dependencyDigests: [String: String] = [:]
            for dependency in byName[build.module]?.dependencies ?? [] { dependencyDigests[dependency] = contentDigest(dependency) }
            var text = "planbuild-input-v1\ncommand\t\(build.commandLine)\nglobal\t\(globalManifest.digest)\nmodule\t\(moduleManifest.digest)\n"
            for name in dependencyDigests.keys.sorted() { text += "dependency\t\(name)\t\(dependencyDigests[name]!)\n" }
            let inputDigest = hasher.hexDigest(of: text)
            prepared.append(Prepared(inputDigest: inputDigest, moduleManifest: moduleManifest, dependencyDigests: dependencyDigests))

            let decision: Decision
            if request.disabled {
                decision = .miss(CacheMiss(.disabled))
            } else if request.forced.contains(build.module) {
                decision = .miss(CacheMiss(.forced))
            } else if let record = records[index] {
                if record.inputDigest == inputDigest {
                    let missing = BuildInputs.missingArtifacts(record, projectDirectory: project)
                    if !missing.isEmpty {
                        decision = .miss(CacheMiss(.artifactMissing, subjects: missing))
                    } else if now - record.recordedAt > maximumAge {
                        decision = .miss(CacheMiss(.expired))
                    } else {
                        decision = .hit(record)
                    }
                } else if record.commandLine != build.commandLine {
                    decision = .miss(CacheMiss(.commandChanged))
                } else if record.globalDigest != globalManifest.digest {
                    let old = store.manifest(module: record.module, command: record.command, kind: .global, digest: record.globalDigest)
                    decision = .miss(CacheMiss(.globalInputChanged, changes: old.map { globalManifest.changes(since: $0) } ?? .init()))
                } else if record.moduleDigest != moduleManifest.digest {
                    let old = store.manifest(module: record.module, command: record.command, kind: .module, digest: record.moduleDigest)
                    decision = .miss(CacheMiss(.inputsChanged, changes: old.map { moduleManifest.changes(since: $0) } ?? .init()))
                } else {
                    let changed = Set(record.dependencyDigests.keys).union(dependencyDigests.keys)
                        .filter { record.dependencyDigests[$0] != dependencyDigests[$0] }.sorted()
                    decision = .miss(CacheMiss(.dependencyChanged, subjects: changed))
                }
            } else if store.failedLastTime(module: build.module, command: build.command) {
                decision = .miss(CacheMiss(.previousRunFailed))
            } else {
                decision = .miss(CacheMiss(.noRecord))
            }
            decisions.append(decision)
        }

        // A local miss asks the shared cache, several at once; a hit's files are then in place
        // and it is recorded locally, so the next run is a local hit.
        var remote: RemoteCache?
        var remoteHits: Set<Int> = []
        if request.useRemote, !request.disabled,
           let remoteSettings = RemoteCacheSettings.resolve(file: settings.remote, url: request.remoteURL, write: request.remoteWrite,
                                                            environment: request.environment) {
            do {
                remote = try RemoteCache(settings: remoteSettings, layout: layout, hasher: hasher, grpc: request.grpcTransport)
            } catch {
                problems.append("remote cache not used: \(error.message)")
            }
        }
        if let remote, remote.canRead {
            let asked = decisions.indices.filter { index in
                if case .miss(let miss) = decisions[index], miss.reason != .forced { return true }
                return false
            }
            let snapshot = prepared
            let builds = plan.builds
            // What each module's own configuration declares: the only files a remote record may restore.
            let outputs = asked.map { index in
                byName[builds[index].module].map { DeclaredOutputs.of($0, projectDirectory: project) } ?? DeclaredOutputs(patterns: [])
            }
            let fetched = ParallelMap.map(count: asked.count, threads: 4) { position in
                remote.fetch(inputDigest: snapshot[asked[position]].inputDigest, build: builds[asked[position]],
                             outputs: outputs[position], maximumAgeSeconds: maximumAge, now: now)
            }
            for (position, record) in fetched.enumerated() {
                guard let record else { continue }
                let index = asked[position]
                do {
                    try store.write(record, moduleManifest: prepared[index].moduleManifest, globalManifest: globalManifest)
                } catch {
                    problems.append(error.message)
                }
                decisions[index] = .hit(record)
                remoteHits.insert(index)
            }
        }
        self.remote = remote
        self.remoteHits = remoteHits
        self.store = store
        self.decisions = decisions
        self.problems = problems
        self.prepared = prepared
        self.builds = plan.builds
        self.modules = byName
        self.globalManifest = globalManifest
        self.disabled = request.disabled
    }

    /// What a build of `plan.builds[index]` reads, for running it on another machine
    /// (ActionInputs); nil when this run listed no inputs (`--no-cache` without `listInputs`).
    package func actionInputs(at index: Int) -> ActionInputs? {
        guard prepared.indices.contains(index), let module = modules[builds[index].module] else { return nil }
        return ActionInputs(module: module, moduleManifest: prepared[index].moduleManifest, globalManifest: globalManifest,
                            modules: modules, projectDirectory: store.layout.projectDir)
    }

    /// The digest of the inputs of `plan.builds[index]`; nil with `--no-cache`, which computes none.
    package func inputDigest(at index: Int) -> String? {
        guard !disabled, prepared.indices.contains(index) else { return nil }
        return prepared[index].inputDigest
    }

    /// Records a successful build of `plan.builds[index]` (failed builds are never recorded).
    /// A failure to write is returned as a message, never thrown: the build itself succeeded.
    public func recordSuccess(index: Int, durationMilliseconds: Int, tests: TestSummary?, warnings: Int,
                              logFile: String?, now: Int = Int(time(nil))) -> String? {
        guard !disabled, prepared.indices.contains(index), let module = modules[builds[index].module] else { return nil }
        // Without input files there is nothing to compare a later run with: never recorded, always run.
        guard !prepared[index].moduleManifest.isEmpty else { return nil }
        let build = builds[index]
        let inputs = prepared[index]
        let record = CacheRecord(module: build.module, command: build.command, commandLine: build.commandLine,
                                 inputDigest: inputs.inputDigest, moduleDigest: inputs.moduleManifest.digest,
                                 globalDigest: globalManifest.digest, dependencyDigests: inputs.dependencyDigests,
                                 durationMilliseconds: durationMilliseconds, tests: tests, warnings: warnings,
                                 logFile: logFile,
                                 artifacts: BuildInputs.artifacts(of: module, projectDirectory: store.layout.projectDir),
                                 recordedAt: now)
        do {
            try store.write(record, moduleManifest: inputs.moduleManifest, globalManifest: globalManifest)
            store.clearFailed(module: build.module, command: build.command)
            return nil
        } catch {
            return error.message
        }
    }

    /// A build of `plan.builds[index]` that failed (error, timeout, killed): its next run says why
    /// it runs again (`previous_run_failed`) when there is no record of an earlier success.
    public func recordFailure(index: Int) {
        guard !disabled, builds.indices.contains(index) else { return }
        store.markFailed(module: builds[index].module, command: builds[index].command)
    }

    /// Uploads the record of `plan.builds[index]`, just written by `recordSuccess`, to the shared
    /// cache when this run may write there; problems become the remote cache's warning.
    public func share(index: Int) {
        guard let remote, remote.canWrite, prepared.indices.contains(index), let module = modules[builds[index].module],
              case .record(let record) = store.record(module: builds[index].module, command: builds[index].command),
              record.inputDigest == prepared[index].inputDigest else { return }
        remote.share(record, outputs: DeclaredOutputs.of(module, projectDirectory: store.layout.projectDir))
    }
}
