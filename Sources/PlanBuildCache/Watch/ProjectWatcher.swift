import CPlanBuildSupport
import PlanBuildSupport

/// Knows the project's input files (the same list a full scan gives: InputScanner from the
/// project's root, under the same ignore rules) without walking the tree again: every folder the
/// scan walks is watched, and on `refresh` only the entries the watcher reported are looked at
/// again — a changed file is stat'ed, a new or moved-in folder walked (and watched) — so deciding
/// that nothing changed stats and reads no file at all.
///
/// Nothing may be missed, so whatever the watcher cannot vouch for is looked at every time or
/// makes the whole project scanned again, with one line saying why:
/// - a symbolic link is read through to what it points to, which may be anywhere: every link
///   (and what is walked through it) is looked at again on every refresh;
/// - a changed `.gitignore` changes what is an input below its folder: that folder is walked again
///   with the rules read afresh;
/// - the event queue overflowed (`IN_Q_OVERFLOW`), or the events could not be read: one full scan,
///   then the watcher goes on;
/// - the limit of watches is reached (`fs.inotify.max_user_watches`), a folder cannot be watched,
///   or the platform has no watcher: a full scan on every refresh, for as long as the watcher lives.
public final class ProjectWatcher: @unchecked Sendable {
    public let projectDirectory: String
    public let outputFolders: [String]
    /// The ignore rules of `outputFolders`, made once (every scanner starts from them).
    private let outputRules: IgnoreRules
    private let monitor = Monitor()
    private let source: (any FolderEventSource)?
    /// The cache records read for this project and the modules' settled manifests, kept as long
    /// as this watcher tells them what changed.
    let records = RememberedRecords()
    // Guarded by `monitor`.
    private var scanner: InputScanner
    private var files = ScannedFiles()
    private var pathOfWatch: [Int32: [UInt8]] = [:]
    private var watchOfPath: [[UInt8]: Int32] = [:]
    /// Why every refresh scans the whole project, once the watcher cannot be trusted for good.
    private var degraded: String?
    /// Events read by `waitForEvents` and not applied yet.
    private var pending: [FolderEvent] = []
    private var pendingOverflow: String?
    private var lastRefreshStart: Int64 = 0
    /// Once `takeChanges` was called: the changes every refresh finds, until it is called again.
    private var collecting = false
    private var collected: Set<String> = []

    /// What one refresh found.
    public struct Refresh: Sendable {
        /// The paths (relative to the project) whose entry appeared, went away or changed
        /// identity since the previous refresh, sorted.
        public let changed: [String]
        /// Why the whole project was scanned instead of the reported changes only; nil when it was not.
        public let fullScanReason: String?
    }

    /// Scans the project (as the cache's scanner does, with `outputFolders` never inputs) and
    /// watches every folder it walks.
    public init(projectDirectory: String, outputFolders: [String], limits: FolderWatchLimits = FolderWatchLimits()) {
        self.projectDirectory = projectDirectory
        self.outputFolders = outputFolders
        self.outputRules = IgnoreRules(outputFolders: outputFolders)
        self.scanner = InputScanner(projectDirectory: projectDirectory, rules: outputRules)
        switch FolderEvents.platformDefault(limits: limits) {
        case .success(let source): self.source = source
        case .failure(let error): self.source = nil; self.degraded = error.reason
        }
        monitor.withLock {
            lastRefreshStart = Self.realtimeNanoseconds()
            _ = rescanAll(reason: nil)
        }
    }

    /// A scanner of this project with no .gitignore read yet, as the cache's scanner starts.
    func freshScanner() -> InputScanner { InputScanner(projectDirectory: projectDirectory, rules: outputRules) }

    /// When the last refresh began: every file the list holds was stat'ed after it, or has not
    /// changed since (no event came), so it stands for a scan's start (FileIdentity.isRacy).
    var scanStartNanoseconds: Int64 { monitor.withLock { lastRefreshStart } }

    /// Waits up to `timeoutMilliseconds` for the watcher to report something; true when it did.
    /// The events are kept for the next `refresh`.
    public func waitForEvents(timeoutMilliseconds: Int) -> Bool {
        guard let source else {
            sleepMilliseconds(timeoutMilliseconds)
            return true // nothing tells: the caller scans
        }
        // Waited for without the lock (a run's refresh goes on meanwhile), read with it: the
        // source is used by one thread at a time.
        guard source.waitUntilQueued(timeoutMilliseconds: timeoutMilliseconds) else { return false }
        return monitor.withLock {
            switch source.read(timeoutMilliseconds: 0) {
            case .events(let events):
                pending += events
                return !events.isEmpty
            case .overflow:
                pendingOverflow = "the file watcher's event queue overflowed"
                return true
            case .failed(let reason):
                pendingOverflow = reason
                return true
            }
        }
    }

    /// Brings the list up to date with what changed since the previous refresh.
    public func refresh() -> Refresh {
        monitor.withLock { refreshCollecting() }
    }

    /// `refresh`, and the count of refreshes that found a change right after it, which a result
    /// worked out from this list must still be when it is remembered (RememberedRecords.settle);
    /// nil when the list cannot be vouched for (the project was scanned whole).
    func refreshForDecision() -> (refresh: Refresh, generation: Int?) {
        monitor.withLock {
            let refresh = refreshCollecting()
            return (refresh, degraded == nil && refresh.fullScanReason == nil ? records.currentGeneration : nil)
        }
    }

    private func refreshCollecting() -> Refresh {
        let refresh = refreshLocked()
        if collecting { collected.formUnion(refresh.changed) }
        return refresh
    }

    /// Everything that changed since the previous call, also what refreshes in between (a run
    /// through the cache refreshes too) already took into the list: what `planbuild watch`
    /// rebuilds after.
    public func takeChanges() -> Refresh {
        monitor.withLock {
            let refresh = refreshLocked()
            let changed = collected.union(refresh.changed)
            collecting = true
            collected = []
            return Refresh(changed: changed.sorted { InputManifest.precedes($0, $1) }, fullScanReason: refresh.fullScanReason)
        }
    }

    /// Every refresh, whoever asks for it, tells the remembered records what changed.
    private func refreshLocked() -> Refresh {
        let refresh = refreshFiles()
        records.forget(changed: refresh.changed, everything: refresh.fullScanReason != nil || degraded != nil)
        return refresh
    }

    private func refreshFiles() -> Refresh {
        let start = Self.realtimeNanoseconds()
        defer { lastRefreshStart = start }
        if let degraded { return rescanAll(reason: degraded) }
        var events = pending
        pending = []
        var lost = pendingOverflow
        pendingOverflow = nil
        if let source, lost == nil {
            switch source.read(timeoutMilliseconds: 0) {
            case .events(let more): events += more
            case .overflow: lost = "the file watcher's event queue overflowed"
            case .failed(let reason): lost = reason
            }
        }
        if let lost { return rescanAll(reason: lost) }
        var roots: [[UInt8]] = []
        for event in events {
            guard let folder = pathOfWatch[event.watch] else { continue } // a watch dropped earlier
            if event.dropped {
                pathOfWatch[event.watch] = nil
                if watchOfPath[folder] == event.watch { watchOfPath[folder] = nil }
            }
            if event.name.isEmpty {
                if event.folderGone || event.dropped { roots.append(folder) }
                continue
            }
            let path = folder.isEmpty ? event.name : folder + [UInt8(ascii: "/")] + event.name
            if event.name.elementsEqual(".gitignore".utf8) {
                // The rules below this folder change: read afresh, the folder walked again.
                scanner = freshScanner()
                roots.append(folder)
            } else {
                // A folder that came, went or moved may have taken a .gitignore with it, whose
                // rules the scanner holds under the folder's path: they are read afresh.
                if event.isFolder { scanner = freshScanner() }
                roots.append(path)
            }
        }
        // Links lead anywhere, where nothing is watched: looked at every time.
        for index in 0..<files.count where files.kinds[index] == .symlink || files.kinds[index] == .symlinkToFile {
            roots.append(Array(files.pathBytes[files.pathRange(index)]))
        }
        return rescan(Self.outermost(roots))
    }

    /// The files under `paths` (relative to the project) as a scan of those paths would list
    /// them, or nil when the list cannot tell (a path the whole-project walk does not enter, such
    /// as one inside an ignored folder): then the caller scans it.
    func files(_ paths: [String]) -> ScannedFiles? {
        monitor.withLock {
            var found = ScannedFiles()
            for raw in paths {
                guard let path = InputScanner.normalise(raw) else { continue }
                let bytes = Array(path.utf8)
                if !path.isEmpty, watchOfPath[bytes] == nil {
                    // Not a watched folder. Below the nearest watched folder, the next step
                    // towards it is a file or link the list holds, something absent, or something
                    // the walk never entered (an ignored folder): only this last needs a scan.
                    var ancestor = bytes
                    var step = bytes
                    repeat {
                        step = ancestor
                        ancestor = Array(ancestor[..<(ancestor.lastIndex(of: UInt8(ascii: "/")) ?? 0)])
                    } while !ancestor.isEmpty && watchOfPath[ancestor] == nil
                    guard watchOfPath[ancestor] != nil else { return nil }
                    if !files.ranges(under: step).isEmpty {
                        guard step == bytes else { return nil } // below a link: walked by a scan
                    } else {
                        var info = stat()
                        let absolute = FileSystem.join(projectDirectory.isEmpty ? "." : projectDirectory,
                                                       String(decoding: step, as: UTF8.self))
                        if fstatat(AT_FDCWD, absolute, &info, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT { return nil }
                        continue // absent: no files
                    }
                }
                for range in files.ranges(under: bytes) { for index in range { found.append(index, of: files) } }
            }
            return found.sortedUnique()
        }
    }

    /// The whole list (for tests and the watch command).
    var allFiles: ScannedFiles { monitor.withLock { files } }

    /// Whether the project can be watched at all, and if not why.
    public var fullScanReason: String? { monitor.withLock { degraded } }

    // MARK: Rescanning (with the lock held)

    private func rescanAll(reason: String?) -> Refresh {
        scanner = freshScanner()
        let dropped = Set(pathOfWatch.keys)
        pathOfWatch = [:]
        watchOfPath = [:]
        let found = scan([[]])
        for watch in dropped where pathOfWatch[watch] == nil { source?.unwatch(watch) }
        let changed = Self.differences(files, [0..<files.count], found, [0..<found.count])
        files = found
        return Refresh(changed: changed, fullScanReason: reason)
    }

    /// Looks at `roots` again (none below another) and puts what is there now in their place.
    private func rescan(_ roots: [[UInt8]]) -> Refresh {
        guard !roots.isEmpty else { return Refresh(changed: [], fullScanReason: nil) }
        if roots.contains(where: \.isEmpty) { return rescanAll(reason: nil) }
        // The watches of folders at or below a root are forgotten; the walk watches again what is
        // still there (the same watch number for the same folder), the rest is removed.
        var dropped: [Int32] = []
        for root in roots {
            let prefix = root + [UInt8(ascii: "/")]
            for (path, watch) in watchOfPath where path == root || path.starts(with: prefix) {
                watchOfPath[path] = nil
                pathOfWatch[watch] = nil
                dropped.append(watch)
            }
        }
        let found = scan(roots)
        for watch in dropped where pathOfWatch[watch] == nil { source?.unwatch(watch) }
        if let degraded { return rescanAll(reason: degraded) }
        var oldRanges: [Range<Int>] = []
        var newRanges: [Range<Int>] = []
        for root in roots {
            oldRanges += files.ranges(under: root)
            newRanges += found.ranges(under: root)
        }
        oldRanges.sort { $0.lowerBound < $1.lowerBound }
        newRanges.sort { $0.lowerBound < $1.lowerBound }
        let changed = Self.differences(files, oldRanges, found, newRanges)
        if !changed.isEmpty {
            if files.samePaths(oldRanges, as: found, newRanges) {
                // Files edited, none added or removed (the usual save): the entries change in place,
                // not the whole project's list rebuilt around them.
                for (old, new) in zip(oldRanges.joined(), newRanges.joined()) { files.update(old, from: found, new) }
            } else {
                files = Self.replacing(oldRanges, of: files, with: found)
            }
        }
        return Refresh(changed: changed, fullScanReason: nil)
    }

    /// Scans `roots`, watching every folder the walk opens.
    private func scan(_ roots: [[UInt8]]) -> ScannedFiles {
        var walker = scanner
        walker.ignoresRootFolders = true
        walker.onFolder = { [self] descriptor, path in watch(descriptor, path) }
        let found = walker.scanFiles(roots.map { String(decoding: $0, as: UTF8.self) })
        walker.onFolder = nil
        walker.ignoresRootFolders = false
        scanner = walker
        return found
    }

    private func watch(_ descriptor: Int32, _ path: [UInt8]) {
        guard let source, degraded == nil else { return }
        switch source.watch(folder: descriptor) {
        case .watching(let watch):
            if let previous = pathOfWatch[watch], watchOfPath[previous] == watch { watchOfPath[previous] = nil }
            pathOfWatch[watch] = path
            watchOfPath[path] = watch
        case .limitReached:
            degraded = "the limit of watched folders is reached (fs.inotify.max_user_watches)"
        case .failed(let reason):
            degraded = reason
        }
    }

    // MARK: Lists

    /// The paths whose entries differ between `old` (within `oldRanges`) and `new` (within
    /// `newRanges`): present in one only, or with another identity or kind. Both sorted.
    private static func differences(_ old: ScannedFiles, _ oldRanges: [Range<Int>], _ new: ScannedFiles,
                                    _ newRanges: [Range<Int>]) -> [String] {
        let left = oldRanges.flatMap { Array($0) }, right = newRanges.flatMap { Array($0) }
        var changed: [String] = []
        var i = 0, j = 0
        while i < left.count || j < right.count {
            if j == right.count || (i < left.count && ScannedFiles.compare(old, left[i], new, right[j]) < 0) {
                changed.append(old.path(left[i])); i += 1
            } else if i == left.count || ScannedFiles.compare(old, left[i], new, right[j]) > 0 {
                changed.append(new.path(right[j])); j += 1
            } else {
                if !old.sameEntry(left[i], as: new, right[j]) { changed.append(new.path(right[j])) }
                i += 1; j += 1
            }
        }
        return changed
    }

    /// `files` without the entries in `ranges` (sorted, disjoint), merged with `found`. The runs
    /// of unchanged entries between are copied whole: a change of one file in a list of tens of
    /// thousands costs a few copies, not an append per entry.
    private static func replacing(_ ranges: [Range<Int>], of files: ScannedFiles, with found: ScannedFiles) -> ScannedFiles {
        var kept = ScannedFiles()
        kept.reserve(entries: files.count, bytes: files.pathBytes.count)
        var next = 0
        for range in ranges {
            kept.append(next..<max(next, range.lowerBound), of: files)
            next = max(next, range.upperBound)
        }
        kept.append(next..<files.count, of: files)
        var merged = ScannedFiles()
        merged.reserve(entries: kept.count + found.count, bytes: kept.pathBytes.count + found.pathBytes.count)
        var i = 0
        for j in 0..<found.count {
            // The kept entries that sort before the new one, then the new one (which wins over an equal path).
            let position = max(i, kept.firstIndex(notBefore: Array(found.pathBytes[found.pathRange(j)])))
            merged.append(i..<position, of: kept)
            i = position
            if i < kept.count, ScannedFiles.compare(kept, i, found, j) == 0 { i += 1 }
            merged.append(j, of: found)
        }
        merged.append(i..<kept.count, of: kept)
        return merged
    }

    /// The paths none of which lies below another (a path below another is walked with it), sorted.
    static func outermost(_ paths: [[UInt8]]) -> [[UInt8]] {
        let all = Set(paths)
        if all.contains([]) { return [[]] }
        return all.filter { path in
            // Below another path of the set when one of its ancestors is in it.
            !path.indices.contains { path[$0] == UInt8(ascii: "/") && all.contains(Array(path[..<$0])) }
        }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func realtimeNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    private func sleepMilliseconds(_ milliseconds: Int) {
        var pause = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        var left = timespec()
        while nanosleep(&pause, &left) != 0 && errno == EINTR { pause = left }
    }
}
