import PlanBuildSupport

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

    public let digest: String
    private let storage: Storage

    /// A manifest computed in this run holds its entries; one found unchanged on disk keeps the
    /// stored bytes and parses them only when asked (a miss's report, a new record), so a run
    /// where nothing changed never makes a String per file.
    private enum Storage: Sendable {
        /// The entries and the stored folder listings of the scan that found them (FolderListings).
        case entries([Entry], listings: [UInt8])
        case stored([UInt8])
    }

    public var entries: [Entry] {
        switch storage {
        case .entries(let entries, _): return entries
        case .stored(let bytes): return Self.parseEntries(bytes)?.entries ?? []
        }
    }

    /// No entries, without parsing a stored form.
    public var isEmpty: Bool {
        switch storage {
        case .entries(let entries, _): return entries.isEmpty
        case .stored(let bytes):
            // Entries follow the digest line; the folder listings, when any, follow the entries.
            guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return true }
            return end + 1 >= bytes.count || bytes[(end + 1)...].starts(with: FolderListings.sectionHeader)
        }
    }

    public static func == (left: InputManifest, right: InputManifest) -> Bool {
        left.digest == right.digest && left.entries == right.entries
    }

    init(entries: [Entry], hasher: ContentHasher) {
        var text = ""
        text.reserveCapacity(entries.count * 100)
        for entry in entries {
            text += entry.path
            text += "\u{0}"
            text += entry.hash
            text += "\n"
        }
        self.digest = hasher.hexDigest(of: text)
        self.storage = .entries(entries, listings: [])
    }

    /// This manifest with the folder listings of the scan that produced it, stored after the
    /// entries (they never change the digest).
    func withListings(_ listings: [[UInt8]: FolderListing]) -> InputManifest {
        guard case .entries(let entries, _) = storage else { return self }
        return InputManifest(storage: .entries(entries, listings: FolderListings.stored(listings)), digest: digest)
    }

    private init(storage: Storage, digest: String) {
        self.storage = storage
        self.digest = digest
    }

    /// No inputs and no digest: what a run that ignores the cache (`--no-cache`) holds, which
    /// never compares or records it.
    static let unused = InputManifest(entries: [], digest: "")

    private init(entries: [Entry], digest: String) {
        self.storage = .entries(entries, listings: [])
        self.digest = digest
    }

    private init(stored bytes: [UInt8], digest: String) {
        self.storage = .stored(bytes)
        self.digest = digest
    }

    /// The stored manifest `bytes` when `files` are exactly its files with the same identities,
    /// in the same order: then nothing of the module changed and its recorded digest holds.
    /// Compares bytes and numbers only; nil on the first difference (or a path the stored form
    /// escapes), and the caller takes the slow path, which also finds what changed.
    static func unchanged(stored bytes: [UInt8], files: ScannedFiles) -> InputManifest? {
        guard let digest = storedDigest(bytes) else { return nil }
        let matches = bytes.withUnsafeBufferPointer { buffer -> Bool in
            files.pathBytes.withUnsafeBufferPointer { paths -> Bool in
                var reader = StoredLineReader(buffer: buffer)
                _ = reader.field(until: StoredLineReader.newline) // the digest line
                for index in 0..<files.count {
                    guard let _ = reader.field(until: StoredLineReader.tab), let size = reader.number(),
                          let modified = reader.number(), let inode = reader.number(), let changed = reader.number(),
                          let path = reader.field(until: StoredLineReader.newline) else { return false }
                    let identity = files.identities[index]
                    guard size == identity.size, modified == identity.modifiedNanoseconds,
                          UInt64(bitPattern: inode) == identity.inode, changed == identity.changedNanoseconds,
                          ScannedFiles.compare(path, UnsafeBufferPointer(rebasing: paths[files.pathRange(index)])) == 0
                    else { return false }
                }
                return reader.atEnd || reader.remaining.starts(with: FolderListings.sectionHeader)
            }
        }
        return matches ? InputManifest(stored: bytes, digest: digest) : nil
    }

    /// The digest on a stored manifest's first line, nil when it has none.
    static func storedDigest(_ bytes: [UInt8]) -> String? {
        let prefix = Array("digest\t".utf8)
        guard bytes.starts(with: prefix), let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return String(decoding: bytes[prefix.count..<end], as: UTF8.self)
    }

    /// Builds the manifest of `files`: a file whose identity equals the one in `previous` keeps its
    /// recorded hash without being read; the others are hashed on up to `threads` threads.
    /// A file that vanished between the scan and the hashing is left out. An entry that is racy
    /// for the scan that started at `scanStartNanoseconds` (FileIdentity.isRacy) is recorded with
    /// a smudged identity, so the next scan hashes it again instead of trusting its times.
    static func build(_ files: [ScannedFile], projectDirectory: String, previous: InputManifest?,
                      hasher: ContentHasher, threads: Int, scanStartNanoseconds: Int64) -> InputManifest {
        buildMany([(files, previous)], projectDirectory: projectDirectory, hasher: hasher, threads: threads,
                  scanStartNanoseconds: scanStartNanoseconds)[0]
    }

    /// `build` for many file lists at once: every file that needs hashing, whichever list it is in,
    /// goes into one batch, so all cores stay busy even when each module changed only a little.
    static func buildMany(_ groups: [(files: [ScannedFile], previous: InputManifest?)], projectDirectory: String,
                          hasher: ContentHasher, threads: Int, scanStartNanoseconds: Int64) -> [InputManifest] {
        var hashes: [[String?]] = []
        var toHash: [(group: Int, index: Int)] = []
        for (group, (files, previous)) in groups.enumerated() {
            // Both lists are sorted by path: one merge walk pairs each file with its previous entry.
            let earlier = previous?.entries ?? []
            var cursor = 0
            var known = [String?](repeating: nil, count: files.count)
            for (index, file) in files.enumerated() {
                while cursor < earlier.count, precedes(earlier[cursor].path, file.path) { cursor += 1 }
                if cursor < earlier.count, earlier[cursor].path.utf8.elementsEqual(file.path.utf8),
                   earlier[cursor].identity == file.identity {
                    known[index] = earlier[cursor].hash
                } else {
                    toHash.append((group, index))
                }
            }
            hashes.append(known)
        }
        if !toHash.isEmpty {
            let targets = toHash.map { groups[$0.group].files[$0.index] }
            // Each thread takes the next unhashed file; a thread per 8 files at most.
            let computed = ParallelMap.map(count: targets.count, threads: threads, minimumPerThread: 8) {
                InputHash.hexDigest(of: targets[$0], projectDirectory: projectDirectory, hasher: hasher)
            }
            for (position, target) in toHash.enumerated() { hashes[target.group][target.index] = computed[position] }
        }
        return groups.enumerated().map { group, entry in
            var entries: [Entry] = []
            entries.reserveCapacity(entry.files.count)
            for (index, file) in entry.files.enumerated() {
                // A file that vanished between the scan and the hashing is left out.
                if let hash = hashes[group][index] {
                    entries.append(Entry(path: file.path, identity: file.identity.recorded(scanStartNanoseconds: scanStartNanoseconds),
                                         hash: hash))
                }
            }
            return InputManifest(entries: entries, hasher: hasher)
        }
    }

    /// The manifest's order: by UTF-8 bytes, as a scan sorts (ScannedFiles), not by String's
    /// Unicode ordering, which may differ for names that are not in normal form.
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
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
    public var storedBytes: [UInt8] {
        switch storage {
        case .stored(let bytes): return bytes
        case .entries(_, let listings): return entriesBytes + listings
        }
    }

    /// The stored form without folder listings (those are bytes, not text).
    public var storedText: String {
        if case .stored(let bytes) = storage { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: entriesBytes, as: UTF8.self)
    }

    /// Written as bytes: a module's manifest is written after every build it records; with String
    /// interpolation of four numbers a line, writing a 300-file module's manifest took 0.57 ms
    /// (median), as bytes 0.45 ms.
    private var entriesBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 140 + 80)
        out.append(contentsOf: "digest\t".utf8)
        out.append(contentsOf: digest.utf8)
        out.append(UInt8(ascii: "\n"))
        for entry in entries {
            out.append(contentsOf: entry.hash.utf8)
            out.append(UInt8(ascii: "\t"))
            Self.appendDecimal(entry.identity.size, to: &out)
            out.append(UInt8(ascii: "\t"))
            Self.appendDecimal(entry.identity.modifiedNanoseconds, to: &out)
            out.append(UInt8(ascii: "\t"))
            Self.appendDecimal(entry.identity.inode, to: &out)
            out.append(UInt8(ascii: "\t"))
            Self.appendDecimal(entry.identity.changedNanoseconds, to: &out)
            out.append(UInt8(ascii: "\t"))
            FolderListings.escape(entry.path.utf8, into: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The decimal digits of `value` (with a minus sign when negative), as `"\(value)"` writes them.
    static func appendDecimal<Number: BinaryInteger>(_ value: Number, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Parses `storedText`; nil when the text is not such a manifest (then it is treated as absent).
    public static func parse(stored bytes: [UInt8]) -> InputManifest? { parseEntries(bytes) }

    /// Works on the bytes: tens of thousands of lines are read on every run, and String's
    /// Character-level splitting costs ten times more than this.
    private static func parseEntries(_ bytes: [UInt8]) -> InputManifest? {
        bytes.withUnsafeBufferPointer { buffer -> InputManifest? in
            var reader = StoredLineReader(buffer: buffer)
            func text(_ slice: UnsafeBufferPointer<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
            guard let header = reader.field(until: StoredLineReader.newline), header.starts(with: "digest\t".utf8) else { return nil }
            let digest = String(decoding: UnsafeBufferPointer(rebasing: header[7...]), as: UTF8.self)
            var entries: [Entry] = []
            while !reader.atEnd, !reader.remaining.starts(with: FolderListings.sectionHeader) {
                guard let hash = reader.field(until: StoredLineReader.tab), let size = reader.number(),
                      let modified = reader.number(), let inode = reader.number(), let changed = reader.number(),
                      let path = reader.field(until: StoredLineReader.newline) else { return nil }
                let rawPath = text(path)
                entries.append(Entry(path: rawPath.utf8.contains(UInt8(ascii: "\\")) ? unescape(Substring(rawPath)) : rawPath,
                                     identity: FileIdentity(size: size, modifiedNanoseconds: modified,
                                                            inode: UInt64(bitPattern: inode), changedNanoseconds: changed),
                                     hash: text(hash)))
            }
            return InputManifest(entries: entries, digest: digest)
        }
    }

    /// Reads the fields of a stored manifest's lines, in place.
    private struct StoredLineReader {
        static let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
        let buffer: UnsafeBufferPointer<UInt8>
        var position = 0

        var atEnd: Bool { position >= buffer.count }
        var remaining: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[position...]) }

        /// The bytes up to `terminator` (which is skipped); a line's last field may end the file.
        mutating func field(until terminator: UInt8) -> UnsafeBufferPointer<UInt8>? {
            let start = position
            while position < buffer.count, buffer[position] != terminator { position += 1 }
            guard position < buffer.count || terminator == Self.newline else { return nil }
            let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
            position += 1
            return slice
        }

        /// A decimal field ended by a tab.
        mutating func number() -> Int64? {
            guard let slice = field(until: Self.tab), !slice.isEmpty, slice.count <= 19 else { return nil }
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
    }

    /// The stored form's escaping, on bytes (FolderListings.escape, the one home of the rule):
    /// byte by byte, so a CR LF pair, one Character to Swift, is escaped like any CR and LF.
    static func unescape(_ text: Substring) -> String {
        String(decoding: FolderListings.unescape(text.utf8), as: UTF8.self)
    }
}
