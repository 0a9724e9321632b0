import CPlanBuildSupport
import PlanBuildSupport

/// What the cache read of one project, kept by a long-lived process (the build server, `planbuild
/// watch`) beside the project's file watcher, so that deciding again that nothing changed neither
/// opens nor reads a cache file:
/// - each record (`{command}.json`) as last read, with the identities of its three files; it is
///   used again only while all three have the same identity and type (one `fstatat` each,
///   relative to the module's folder held open) — whoever replaces or edits a record, this process
///   or another one, gives a file another identity — and only when none of the three had changed
///   shortly before it was read (FileIdentity.isRacy: a change in the same clock tick could keep
///   the times);
/// - each module folder held open, used while the cache folder's entry of that name is still the
///   same folder (same device and inode: the held descriptor keeps the number from being reused);
/// - each module's settled manifest: the stored manifest the module's files matched exactly
///   (InputManifest.unchanged), used again while the file watcher reports no change below the
///   module's paths or the project-wide inputs and its record's files have the same identities.
///   The watcher tells this store what changed (`forget`) on every refresh, whoever asked for it.
final class RememberedRecords: @unchecked Sendable {
    private let monitor = Monitor()
    // Guarded by `monitor`.
    private var planDirectory = ""
    private var moduleFolders: [String: HeldFolder] = [:]
    private var records: [RecordKey: Remembered] = [:]
    private var settled: [String: Settled] = [:]
    /// Counts the refreshes that found a change: a result worked out from the list of files before
    /// one of them is not settled after it.
    private var generation = 0

    struct RecordKey: Hashable {
        let module: String
        let command: String
    }

    /// The type and identity of a cache file, nil when absent.
    struct Entry: Equatable {
        let type: mode_t
        let identity: FileIdentity
    }

    private struct HeldFolder {
        let handle: DirectoryHandle
        let device: UInt64
        let inode: UInt64
    }

    private struct Remembered {
        let files: [Entry?]
        let lookup: BuildCacheStore.Lookup
    }

    private struct Settled {
        /// The module's and the project-wide input paths as the run named them, compared as given.
        let givenPaths: [String]
        let givenGlobalPaths: [String]
        /// The same normalised, as the watcher names what changed.
        let paths: [String]
        let globalPaths: [String]
        let command: String
        /// The record's three files when it settled.
        let files: [Entry?]
        let manifest: InputManifest
    }

    /// The modules whose manifest is settled (for tests).
    var settledModules: [String] { monitor.withLock { settled.keys.sorted() } }

    // MARK: What the watcher saw

    /// The current count of refreshes that found a change (taken with the watcher's lock held,
    /// right after the refresh a run starts from).
    var currentGeneration: Int { monitor.withLock { generation } }

    /// Drops every settled manifest a change at `changed` (paths relative to the project) may
    /// touch; `everything` (a full scan) drops them all.
    func forget(changed: [String], everything: Bool) {
        guard everything || !changed.isEmpty else { return }
        monitor.withLock {
            generation += 1
            if everything || changed.count > 4096 { settled = [:]; return }
            settled = settled.filter { _, entry in
                !changed.contains { path in
                    entry.paths.contains { Self.related(path, $0) } || entry.globalPaths.contains { Self.related(path, $0) }
                }
            }
        }
    }

    /// One path at or below the other (the empty path is the project's root).
    static func related(_ a: String, _ b: String) -> Bool {
        func below(_ path: String, _ folder: String) -> Bool {
            folder.isEmpty || path == folder || (path.hasPrefix(folder) && path.utf8.dropFirst(folder.utf8.count).first == UInt8(ascii: "/"))
        }
        return below(a, b) || below(b, a)
    }

    // MARK: One run

    /// This run's view of the cache: the cache folder opened once, every record checked against
    /// what is remembered. nil when there is no cache folder to hold (the caller reads as usual).
    func view(of store: BuildCacheStore) -> View? {
        guard let cache = try? store.folder() else {
            monitor.withLock { reset(for: store.layout.planDir) }
            return nil
        }
        monitor.withLock { if planDirectory != store.layout.planDir { reset(for: store.layout.planDir) } }
        return View(owner: self, store: store, cache: cache)
    }

    private func reset(for planDirectory: String) {
        self.planDirectory = planDirectory
        moduleFolders = [:]
        records = [:]
        settled = [:]
    }

    /// A run's checked records (thread-safe: a run looks its records up on every core).
    final class View: @unchecked Sendable {
        private let owner: RememberedRecords
        private let store: BuildCacheStore
        private let cache: DirectoryHandle
        private let monitor = Monitor()
        /// The files of each record as this run found them, for `settled` and `settle`.
        private var checked: [RecordKey: (files: [Entry?], trusted: Bool)] = [:]

        fileprivate init(owner: RememberedRecords, store: BuildCacheStore, cache: DirectoryHandle) {
            self.owner = owner
            self.store = store
            self.cache = cache
        }

        /// The record of `command` in `module`: the remembered one when its files are unchanged,
        /// else read (BuildCacheStore.record, with all its checks) and remembered.
        func record(module: String, command: String) -> BuildCacheStore.Lookup {
            let key = RecordKey(module: module, command: command)
            guard let folder = moduleFolder(module) else {
                monitor.withLock { checked[key] = nil }
                return store.record(module: module, command: command)
            }
            let start = ProjectWatcher.realtimeNanoseconds()
            let stem = BuildCacheStore.fileName(command)
            let files = [".json", BuildCacheStore.ManifestKind.module.suffix, BuildCacheStore.ManifestKind.global.suffix].map { suffix in
                folder.status(stem + suffix).map { Entry(type: $0.st_mode & S_IFMT, identity: FileIdentity($0)) }
            }
            let trusted = files.allSatisfy { !($0?.identity.isRacy(scanStartNanoseconds: start) ?? false) }
            monitor.withLock { checked[key] = (files, trusted) }
            if let known = owner.monitor.withLock({ owner.records[key] }), known.files == files, trusted { return known.lookup }
            let lookup = store.record(module: module, command: command)
            owner.monitor.withLock { owner.records[key] = trusted ? Remembered(files: files, lookup: lookup) : nil }
            return lookup
        }

        /// The module's folder in the cache, held open while the cache's entry of its name is the
        /// same folder; nil when it cannot be opened (then the store reads, and says why).
        private func moduleFolder(_ module: String) -> DirectoryHandle? {
            let name = BuildCacheStore.fileName(module)
            let info = cache.status(name)
            if let info, info.st_mode & S_IFMT == S_IFDIR,
               let held = owner.monitor.withLock({ owner.moduleFolders[name] }),
               held.device == UInt64(info.st_dev), held.inode == UInt64(info.st_ino) {
                return held.handle
            }
            guard info != nil, let opened = try? cache.folder(name) else {
                owner.monitor.withLock { owner.moduleFolders[name] = nil }
                return nil
            }
            var own = stat()
            guard fstat(opened.descriptor, &own) == 0 else { return nil }
            owner.monitor.withLock {
                owner.moduleFolders[name] = HeldFolder(handle: opened, device: UInt64(own.st_dev), inode: UInt64(own.st_ino))
            }
            return opened
        }

        /// The module's settled manifest, when its paths and the project-wide paths are the same,
        /// no change was seen below them, and the stored manifest it came from is unchanged.
        func settled(module: String, paths: [String], globalPaths: [String]) -> InputManifest? {
            guard let entry = owner.monitor.withLock({ owner.settled[module] }),
                  entry.givenPaths == paths, entry.givenGlobalPaths == globalPaths,
                  let files = monitor.withLock({ checked[RecordKey(module: module, command: entry.command)] }),
                  files.trusted, files.files == entry.files else { return nil }
            return entry.manifest
        }

        /// The paths as the watcher names changes (relative to the project, normalised); nil when
        /// one cannot be written so, which is then never settled.
        private static func normalised(_ paths: [String]) -> [String]? {
            var result: [String] = []
            for path in paths {
                guard let normal = InputScanner.normalise(path) else { return nil }
                result.append(normal)
            }
            return result
        }

        /// Remembers that the module's files matched the stored manifest of its `command`'s record
        /// exactly, from the file list of refresh `generation`.
        func settle(module: String, command: String, paths: [String], globalPaths: [String], manifest: InputManifest,
                    generation: Int) {
            guard let normalPaths = Self.normalised(paths), let normalGlobalPaths = Self.normalised(globalPaths),
                  let files = monitor.withLock({ checked[RecordKey(module: module, command: command)] }), files.trusted,
                  files.files[1] != nil else { return }
            owner.monitor.withLock {
                guard owner.generation == generation else { return }
                owner.settled[module] = Settled(givenPaths: paths, givenGlobalPaths: globalPaths, paths: normalPaths, globalPaths: normalGlobalPaths,
                                                command: command, files: files.files, manifest: manifest)
            }
        }
    }
}
