import CPlanBuildSupport
import PlanBuildSupport

/// One thing a folder watcher saw: in the folder of `watch`, the entry `name` changed (created,
/// written, attributes, deleted, moved in or out), or — `name` empty — the folder itself went away.
struct FolderEvent: Sendable {
    let watch: Int32
    let name: [UInt8]
    /// PBS_WATCH_* bits.
    let kind: Int32

    var isFolder: Bool { kind & Int32(PBS_WATCH_IS_FOLDER) != 0 }
    var folderGone: Bool { kind & Int32(PBS_WATCH_FOLDER_GONE) != 0 }
    var dropped: Bool { kind & Int32(PBS_WATCH_DROPPED) != 0 }
}

/// What watching a folder came to.
enum FolderWatchOutcome: Sendable, Equatable {
    case watching(Int32)
    /// The user's limit of watches is reached: the project can no longer be watched whole.
    case limitReached
    case failed(String)
}

/// What reading the queued events came to.
enum FolderEventRead: Sendable {
    case events([FolderEvent])
    /// Events were lost (the queue was full): only a full scan knows what changed.
    case overflow
    case failed(String)
}

/// A platform's way of being told about changes in folders, one watch per folder (not
/// recursive: the project watcher adds one for each folder it walks). Linux has inotify
/// (`InotifyEvents`); another platform adds its own type and returns it from `platformDefault`.
protocol FolderEventSource: AnyObject {
    func watch(folder descriptor: Int32) -> FolderWatchOutcome
    func unwatch(_ watch: Int32)
    /// Every event queued, waiting up to `timeoutMilliseconds` (0: not at all) for the first.
    func read(timeoutMilliseconds: Int) -> FolderEventRead
    /// Waits up to `timeoutMilliseconds` until an event is queued, without taking it; true when
    /// one is (or the source failed: reading says why). Safe beside the other calls, which the
    /// caller makes one at a time.
    func waitUntilQueued(timeoutMilliseconds: Int) -> Bool
}

enum FolderEvents {
    /// This platform's source, or why there is none (the watcher then scans every time).
    static func platformDefault(limits: FolderWatchLimits) -> Result<any FolderEventSource, FolderWatchError> {
        InotifyEvents.open(limits: limits).map { $0 as any FolderEventSource }
    }
}

struct FolderWatchError: Error, Sendable {
    let reason: String
}

/// Limits below the kernel's, so that a test can make the watcher overflow or run out of watches
/// (`fs.inotify.max_queued_events` and `max_user_watches` are machine-wide and cannot safely be
/// lowered). nil: only the kernel's limits.
public struct FolderWatchLimits: Sendable {
    /// Events that may queue between two reads; more is an overflow, as the kernel reports it.
    public var queuedEvents: Int?
    /// Folders one watcher may watch; past it, as if `max_user_watches` were reached.
    public var watches: Int?

    public init(queuedEvents: Int? = nil, watches: Int? = nil) {
        self.queuedEvents = queuedEvents
        self.watches = watches
    }
}

/// inotify: one instance per watched project.
final class InotifyEvents: FolderEventSource {
    private let descriptor: Int32
    private let limits: FolderWatchLimits
    private var watches: Set<Int32> = []
    /// The kernel's records are read this many bytes at a time.
    private static let bufferSize = 64 << 10

    private init(descriptor: Int32, limits: FolderWatchLimits) {
        self.descriptor = descriptor
        self.limits = limits
    }

    deinit { close(descriptor) }

    static func open(limits: FolderWatchLimits) -> Result<InotifyEvents, FolderWatchError> {
        let descriptor = pbs_watch_open()
        guard descriptor >= 0 else {
            return .failure(FolderWatchError(reason: "no file watcher (inotify: \(SystemCall.reason(-descriptor)))"))
        }
        return .success(InotifyEvents(descriptor: descriptor, limits: limits))
    }

    func watch(folder: Int32) -> FolderWatchOutcome {
        let watch = pbs_watch_folder(descriptor, folder)
        if watch == -ENOSPC { return .limitReached }
        guard watch >= 0 else { return .failed("a folder could not be watched (\(SystemCall.reason(-watch)))") }
        if !watches.contains(watch), let most = limits.watches, watches.count >= most {
            pbs_watch_remove(descriptor, watch)
            return .limitReached
        }
        watches.insert(watch)
        return .watching(watch)
    }

    func unwatch(_ watch: Int32) {
        guard watches.remove(watch) != nil else { return }
        pbs_watch_remove(descriptor, watch)
    }

    func waitUntilQueued(timeoutMilliseconds: Int) -> Bool {
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let count = SystemCall.retrying { poll(&ready, 1, Int32(clamping: timeoutMilliseconds)) }
        return count != 0
    }

    func read(timeoutMilliseconds: Int) -> FolderEventRead {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        var events: [FolderEvent] = []
        var overflowed = false
        var timeout = Int32(clamping: timeoutMilliseconds)
        while true {
            let count = pbs_watch_read(descriptor, buffer.baseAddress!, buffer.count, timeout)
            if count < 0 { return .failed("the file watcher could not be read (\(SystemCall.reason(Int32(-count))))") }
            if count == 0 { break }
            timeout = 0 // the rest of the queue, without waiting
            var position = 0
            // inotify_event: wd (s32), mask (u32), cookie (u32), len (u32), name (len bytes, NUL-padded).
            while position + 16 <= count {
                let record = buffer.baseAddress! + position
                let watch = record.loadUnaligned(fromByteOffset: 0, as: Int32.self)
                let mask = record.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
                let length = Int(record.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                guard position + 16 + length <= count else { break }
                let nameBytes = UnsafeRawBufferPointer(start: record + 16, count: length)
                let name = Array(nameBytes.prefix { $0 != 0 })
                position += 16 + length
                let kind = pbs_watch_kind(mask)
                if kind & Int32(PBS_WATCH_OVERFLOW) != 0 { overflowed = true; continue }
                if kind & Int32(PBS_WATCH_DROPPED) != 0 { watches.remove(watch) }
                events.append(FolderEvent(watch: watch, name: name, kind: kind))
            }
            // A queue smaller than the kernel's, for tests: what did not fit would have been lost.
            if let most = limits.queuedEvents, events.count > most { overflowed = true }
        }
        return overflowed ? .overflow : .events(events)
    }
}
