import Synchronization

/// The inputs of one part of a build (a module's files, or the project-wide files) as a sorted
/// list of (relative path, identity, SHA-256 of the content), and the digest over it: SHA-256 of
/// the sorted `path NUL hash LF` lines, so the same files with the same contents give the same
/// digest on any machine and in any folder.
public struct InputManifest: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let path: String
        public let identity: FileIdentity
        public let hash: String
    }

    public let entries: [Entry]
    public let digest: String

    init(entries: [Entry], hasher: ContentHasher) {
        self.entries = entries
        var text = ""
        text.reserveCapacity(entries.count * 100)
        for entry in entries {
            text += entry.path
            text += "\u{0}"
            text += entry.hash
            text += "\n"
        }
        self.digest = hasher.hexDigest(of: text)
    }

    private init(entries: [Entry], digest: String) {
        self.entries = entries
        self.digest = digest
    }

    /// Builds the manifest of `files`: a file whose identity equals the one in `previous` keeps its
    /// recorded hash without being read; the others are hashed on up to `threads` threads.
    /// A file that vanished between the scan and the hashing is left out.
    static func build(_ files: [ScannedFile], projectDirectory: String, previous: InputManifest?,
                      hasher: ContentHasher, threads: Int) -> InputManifest {
        var known: [String: Entry] = [:]
        if let previous { for entry in previous.entries { known[entry.path] = entry } }
        var hashes = [String?](repeating: nil, count: files.count)
        var toHash: [Int] = []
        for (index, file) in files.enumerated() {
            if let entry = known[file.path], entry.identity == file.identity {
                hashes[index] = entry.hash
            } else {
                toHash.append(index)
            }
        }
        if !toHash.isEmpty {
            let computed = ParallelHashing.hash(toHash.map { FileSystem.join(projectDirectory, files[$0].path) },
                                                hasher: hasher, threads: threads)
            for (position, index) in toHash.enumerated() { hashes[index] = computed[position] }
        }
        var entries: [Entry] = []
        entries.reserveCapacity(files.count)
        for (index, file) in files.enumerated() {
            if let hash = hashes[index] { entries.append(Entry(path: file.path, identity: file.identity, hash: hash)) }
        }
        return InputManifest(entries: entries, hasher: hasher)
    }

    // MARK: Differences (what a cache miss reports)

    public struct Changes: Equatable, Sendable {
        public var added: [String] = []
        public var modified: [String] = []
        public var deleted: [String] = []
        public var isEmpty: Bool { added.isEmpty && modified.isEmpty && deleted.isEmpty }
        public init(added: [String] = [], modified: [String] = [], deleted: [String] = []) {
            self.added = added
            self.modified = modified
            self.deleted = deleted
        }
    }

    /// What changed from `old` to `self`, each list sorted by path.
    public func changes(since old: InputManifest) -> Changes {
        var changes = Changes()
        var before: [String: String] = [:]
        for entry in old.entries { before[entry.path] = entry.hash }
        for entry in entries {
            if let hash = before.removeValue(forKey: entry.path) {
                if hash != entry.hash { changes.modified.append(entry.path) }
            } else {
                changes.added.append(entry.path)
            }
        }
        changes.deleted = before.keys.sorted()
        return changes
    }

    // MARK: Stored form

    /// One line per entry: `hash TAB size TAB mtime_ns TAB inode TAB ctime_ns TAB path`, the path
    /// last with `\`, tab and line feed escaped; a first line `digest TAB <digest>`. Plain lines
    /// parse in a fraction of the time JSON would take for tens of thousands of files.
    public var storedText: String {
        var text = "digest\t\(digest)\n"
        text.reserveCapacity(entries.count * 120)
        for entry in entries {
            text += entry.hash
            text += "\t\(entry.identity.size)\t\(entry.identity.modifiedNanoseconds)\t\(entry.identity.inode)\t\(entry.identity.changedNanoseconds)\t"
            text += Self.escape(entry.path)
            text += "\n"
        }
        return text
    }

    /// Parses `storedText`; nil when the text is not such a manifest (then it is treated as absent).
    public static func parse(stored bytes: [UInt8]) -> InputManifest? {
        var entries: [Entry] = []
        var digest: String?
        var fields: [Substring] = []
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if digest == nil {
                guard line.hasPrefix("digest\t") else { return nil }
                digest = String(line.dropFirst(7))
                continue
            }
            fields = line.split(separator: "\t", maxSplits: 5, omittingEmptySubsequences: false)
            guard fields.count == 6, let size = Int64(fields[1]), let modified = Int64(fields[2]),
                  let inode = UInt64(fields[3]), let changed = Int64(fields[4]) else { return nil }
            entries.append(Entry(path: unescape(fields[5]),
                                 identity: FileIdentity(size: size, modifiedNanoseconds: modified, inode: inode, changedNanoseconds: changed),
                                 hash: String(fields[0])))
        }
        guard let digest else { return nil }
        return InputManifest(entries: entries, digest: digest)
    }

    static func escape(_ path: String) -> String {
        guard path.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return path }
        var out = ""
        for character in path {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out
    }

    static func unescape(_ text: Substring) -> String {
        guard text.contains("\\") else { return String(text) }
        var out = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "t": out += "\t"
                case "n": out += "\n"
                case "r": out += "\r"
                default: out.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// Hashes files on several threads: each takes the next unhashed file until none is left.
final class ParallelHashing: Sendable {
    private let paths: [String]
    private let hasher: ContentHasher
    private let next = Atomic<Int>(0)
    private let finishedWorkers = Atomic<Int>(0)
    private let results: Mutex<[String?]>
    private let monitor = Monitor()

    private init(paths: [String], hasher: ContentHasher) {
        self.paths = paths
        self.hasher = hasher
        self.results = Mutex([String?](repeating: nil, count: paths.count))
    }

    static func hash(_ paths: [String], hasher: ContentHasher, threads: Int) -> [String?] {
        let job = ParallelHashing(paths: paths, hasher: hasher)
        // A thread per 8 files at most: starting threads for a handful of files costs more than it saves.
        let helpers = max(0, min(threads, paths.count / 8 + 1) - 1)
        var started = 0
        for _ in 0..<helpers where DetachedThread.start({ job.work(); job.workerFinished() }) { started += 1 }
        job.work()
        job.monitor.withLock {
            while job.finishedWorkers.load(ordering: .acquiring) < started { job.monitor.wait(milliseconds: 50) }
        }
        return job.results.withLock { $0 }
    }

    private func work() {
        var local: [(Int, String?)] = []
        while true {
            let index = next.add(1, ordering: .relaxed).oldValue
            if index >= paths.count { break }
            local.append((index, try? hasher.hexDigest(ofFile: paths[index])))
        }
        results.withLock { stored in for (index, hash) in local { stored[index] = hash } }
    }

    private func workerFinished() {
        finishedWorkers.add(1, ordering: .releasing)
        monitor.signal()
    }
}
