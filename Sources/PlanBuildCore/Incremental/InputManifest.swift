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

    /// No inputs and no digest: what a run that ignores the cache (`--no-cache`) holds, which
    /// never compares or records it.
    static let unused = InputManifest(entries: [], digest: "")

    private init(entries: [Entry], digest: String) {
        self.entries = entries
        self.digest = digest
    }

    /// Builds the manifest of `files`: a file whose identity equals the one in `previous` keeps its
    /// recorded hash without being read; the others are hashed on up to `threads` threads.
    /// A file that vanished between the scan and the hashing is left out.
    static func build(_ files: [ScannedFile], projectDirectory: String, previous: InputManifest?,
                      hasher: ContentHasher, threads: Int) -> InputManifest {
        buildMany([(files, previous)], projectDirectory: projectDirectory, hasher: hasher, threads: threads)[0]
    }

    /// `build` for many file lists at once: every file that needs hashing, whichever list it is in,
    /// goes into one batch, so all cores stay busy even when each module changed only a little.
    static func buildMany(_ groups: [(files: [ScannedFile], previous: InputManifest?)], projectDirectory: String,
                          hasher: ContentHasher, threads: Int) -> [InputManifest] {
        var hashes: [[String?]] = []
        var toHash: [(group: Int, index: Int)] = []
        for (group, (files, previous)) in groups.enumerated() {
            // Both lists are sorted by path: one merge walk pairs each file with its previous entry.
            let earlier = previous?.entries ?? []
            var cursor = 0
            var known = [String?](repeating: nil, count: files.count)
            for (index, file) in files.enumerated() {
                while cursor < earlier.count, earlier[cursor].path < file.path { cursor += 1 }
                if cursor < earlier.count, earlier[cursor].path == file.path, earlier[cursor].identity == file.identity {
                    known[index] = earlier[cursor].hash
                } else {
                    toHash.append((group, index))
                }
            }
            hashes.append(known)
        }
        if !toHash.isEmpty {
            let paths = toHash.map { FileSystem.join(projectDirectory, groups[$0.group].files[$0.index].path) }
            // Each thread takes the next unhashed file; a thread per 8 files at most.
            let computed = ParallelMap.map(count: paths.count, threads: threads, minimumPerThread: 8) {
                try? hasher.hexDigest(ofFile: paths[$0])
            }
            for (position, target) in toHash.enumerated() { hashes[target.group][target.index] = computed[position] }
        }
        return groups.enumerated().map { group, entry in
            var entries: [Entry] = []
            entries.reserveCapacity(entry.files.count)
            for (index, file) in entry.files.enumerated() {
                // A file that vanished between the scan and the hashing is left out.
                if let hash = hashes[group][index] { entries.append(Entry(path: file.path, identity: file.identity, hash: hash)) }
            }
            return InputManifest(entries: entries, hasher: hasher)
        }
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
    /// Works on the bytes: tens of thousands of lines are read on every run, and String's
    /// Character-level splitting costs ten times more than this.
    public static func parse(stored bytes: [UInt8]) -> InputManifest? {
        bytes.withUnsafeBufferPointer { buffer -> InputManifest? in
            let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
            var position = 0
            func field(until terminator: UInt8) -> UnsafeBufferPointer<UInt8>? {
                let start = position
                while position < buffer.count, buffer[position] != terminator { position += 1 }
                guard position < buffer.count || terminator == newline else { return nil }
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
                position += 1
                return slice
            }
            func number(_ slice: UnsafeBufferPointer<UInt8>) -> Int64? {
                guard !slice.isEmpty, slice.count <= 19 else { return nil }
                var value: Int64 = 0
                var index = 0
                var negative = false
                if slice[0] == UInt8(ascii: "-") { negative = true; index = 1 }
                guard index < slice.count else { return nil }
                while index < slice.count {
                    let digit = slice[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value &* 10 &+ Int64(digit) // wrapping: a corrupt file must not trap
                    index += 1
                }
                return negative ? -value : value
            }
            func text(_ slice: UnsafeBufferPointer<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }

            guard let header = field(until: newline), header.starts(with: "digest\t".utf8) else { return nil }
            let digest = String(decoding: UnsafeBufferPointer(rebasing: header[7...]), as: UTF8.self)
            var entries: [Entry] = []
            while position < buffer.count {
                guard let hash = field(until: tab), let size = field(until: tab).flatMap(number),
                      let modified = field(until: tab).flatMap(number), let inode = field(until: tab).flatMap(number),
                      let changed = field(until: tab).flatMap(number), let path = field(until: newline) else { return nil }
                let rawPath = text(path)
                entries.append(Entry(path: rawPath.utf8.contains(UInt8(ascii: "\\")) ? unescape(Substring(rawPath)) : rawPath,
                                     identity: FileIdentity(size: size, modifiedNanoseconds: modified,
                                                            inode: UInt64(bitPattern: inode), changedNanoseconds: changed),
                                     hash: text(hash)))
            }
            return InputManifest(entries: entries, digest: digest)
        }
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
