import PlanBuildSupport

/// The files a scan found, sorted by path bytes, each once: their paths in one byte buffer and
/// their identities beside them. On a project where nothing changed, deciding that a module is
/// unchanged only compares these bytes with the recorded manifest's, so no String is made per
/// file; `files` makes them only when something did change.
struct ScannedFiles: Sendable {
    /// The paths' bytes, one after another (no separators).
    private(set) var pathBytes: [UInt8] = []
    /// Where each path starts in `pathBytes`; path `i` ends where path `i + 1` starts.
    private(set) var starts: [Int] = []
    private(set) var identities: [FileIdentity] = []
    private(set) var kinds: [ScannedFile.Kind] = []

    var count: Int { identities.count }
    var isEmpty: Bool { identities.isEmpty }

    mutating func append(path: UnsafeBufferPointer<UInt8>, identity: FileIdentity, kind: ScannedFile.Kind = .file) {
        starts.append(pathBytes.count)
        pathBytes.append(contentsOf: path)
        identities.append(identity)
        kinds.append(kind)
    }

    func pathRange(_ index: Int) -> Range<Int> {
        starts[index]..<(index + 1 < starts.count ? starts[index + 1] : pathBytes.count)
    }

    func path(_ index: Int) -> String {
        pathBytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[pathRange(index)]), as: UTF8.self) }
    }

    /// The files as values with String paths (the slow path: something changed, or a caller
    /// that wants the list).
    var files: [ScannedFile] { (0..<count).map { ScannedFile(path: path($0), identity: identities[$0], kind: kinds[$0]) } }

    /// Sorted by path bytes (the manifest's order) with repeated paths dropped: sources and tests
    /// may overlap. Byte order is UTF-8's code point order, the same on every machine.
    func sortedUnique() -> ScannedFiles {
        pathBytes.withUnsafeBufferPointer { bytes in
            func slice(_ index: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[pathRange(index)]) }
            // A walk of one folder lists in this order already (InputScanner): then only checked.
            if (1..<max(count, 1)).allSatisfy({ Self.compare(slice($0 - 1), slice($0)) < 0 }) { return self }
            let order = (0..<count).sorted { Self.compare(slice($0), slice($1)) < 0 }
            var sorted = ScannedFiles()
            sorted.pathBytes.reserveCapacity(pathBytes.count)
            sorted.starts.reserveCapacity(count)
            sorted.identities.reserveCapacity(count)
            sorted.kinds.reserveCapacity(count)
            var previous: Int?
            for index in order {
                if let previous, Self.compare(slice(previous), slice(index)) == 0 { continue }
                sorted.append(path: slice(index), identity: identities[index], kind: kinds[index])
                previous = index
            }
            return sorted
        }
    }

    /// The files minus those whose path is in `excluded` (the project-wide inputs, which belong to
    /// the global manifest only).
    func removing(_ excluded: Set<String>) -> ScannedFiles {
        guard !excluded.isEmpty else { return self }
        // Only a path as long as an excluded one can be one: most paths are never made Strings.
        let lengths = Set(excluded.map(\.utf8.count))
        var kept = ScannedFiles()
        pathBytes.withUnsafeBufferPointer { bytes in
            for index in 0..<count {
                let range = pathRange(index)
                if lengths.contains(range.count), excluded.contains(path(index)) { continue }
                kept.append(path: UnsafeBufferPointer(rebasing: bytes[range]), identity: identities[index], kind: kinds[index])
            }
        }
        return kept
    }

    /// The entry `index` of `other`, appended.
    mutating func append(_ index: Int, of other: ScannedFiles) {
        other.pathBytes.withUnsafeBufferPointer { bytes in
            append(path: UnsafeBufferPointer(rebasing: bytes[other.pathRange(index)]), identity: other.identities[index],
                   kind: other.kinds[index])
        }
    }

    /// Entry `index` takes the identity and kind of `other`'s entry `otherIndex`, whose path is the
    /// same (an edited file: the list keeps its order and its path bytes, nothing is copied).
    mutating func update(_ index: Int, from other: ScannedFiles, _ otherIndex: Int) {
        identities[index] = other.identities[otherIndex]
        kinds[index] = other.kinds[otherIndex]
    }

    /// True when `ranges` of this list and `otherRanges` of `other` name the same paths in the same
    /// order: what a rescan of folders whose files were only edited finds.
    func samePaths(_ ranges: [Range<Int>], as other: ScannedFiles, _ otherRanges: [Range<Int>]) -> Bool {
        guard ranges.reduce(0, { $0 + $1.count }) == otherRanges.reduce(0, { $0 + $1.count }) else { return false }
        return zip(ranges.joined(), otherRanges.joined()).allSatisfy { Self.compare(self, $0, other, $1) == 0 }
    }

    /// Room for `entries` more entries with `bytes` more path bytes, so appending them copies nothing twice.
    mutating func reserve(entries: Int, bytes: Int) {
        starts.reserveCapacity(count + entries)
        identities.reserveCapacity(count + entries)
        kinds.reserveCapacity(count + entries)
        pathBytes.reserveCapacity(pathBytes.count + bytes)
    }

    /// The entries `range` of `other`, appended in one copy each (a watcher's list of a large
    /// project is rebuilt around a few changed entries).
    mutating func append(_ range: Range<Int>, of other: ScannedFiles) {
        guard !range.isEmpty else { return }
        let bytes = other.starts[range.lowerBound]..<(range.upperBound < other.count ? other.starts[range.upperBound] : other.pathBytes.count)
        let shift = pathBytes.count - bytes.lowerBound
        for index in range { starts.append(other.starts[index] + shift) }
        pathBytes.append(contentsOf: other.pathBytes[bytes])
        identities.append(contentsOf: other.identities[range])
        kinds.append(contentsOf: other.kinds[range])
    }

    /// The position of the first path that does not sort before `key` (the list is sorted).
    func firstIndex(notBefore key: [UInt8]) -> Int {
        key.withUnsafeBufferPointer { key in
            pathBytes.withUnsafeBufferPointer { bytes in
                var low = 0, high = count
                while low < high {
                    let middle = (low + high) / 2
                    if Self.compare(UnsafeBufferPointer(rebasing: bytes[pathRange(middle)]), key) < 0 { low = middle + 1 } else { high = middle }
                }
                return low
            }
        }
    }

    /// Where `path` itself and everything below `path/` are in this sorted list (two ranges: a
    /// sibling such as `path.txt` sorts between them); everything for the project root `""`.
    func ranges(under path: [UInt8]) -> [Range<Int>] {
        guard !path.isEmpty else { return [0..<count] }
        let own = firstIndex(notBefore: path)
        let below = firstIndex(notBefore: path + [UInt8(ascii: "/")])
        let end = firstIndex(notBefore: path + [UInt8(ascii: "/") + 1])
        var found: [Range<Int>] = []
        if own < count, ScannedFiles.compare(path, self, own) == 0 { found.append(own..<(own + 1)) }
        if below < end { found.append(below..<end) }
        return found
    }

    private static func compare(_ path: [UInt8], _ files: ScannedFiles, _ index: Int) -> Int {
        path.withUnsafeBufferPointer { path in
            files.pathBytes.withUnsafeBufferPointer { compare(path, UnsafeBufferPointer(rebasing: $0[files.pathRange(index)])) }
        }
    }

    /// Whether entry `index` equals entry `otherIndex` of `other`: path, identity and kind.
    func sameEntry(_ index: Int, as other: ScannedFiles, _ otherIndex: Int) -> Bool {
        identities[index] == other.identities[otherIndex] && kinds[index] == other.kinds[otherIndex]
            && Self.compare(self, index, other, otherIndex) == 0
    }

    /// The order of entry `left` of `a` and entry `right` of `b`, by path.
    static func compare(_ a: ScannedFiles, _ left: Int, _ b: ScannedFiles, _ right: Int) -> Int {
        a.pathBytes.withUnsafeBufferPointer { first in
            b.pathBytes.withUnsafeBufferPointer { second in
                compare(UnsafeBufferPointer(rebasing: first[a.pathRange(left)]), UnsafeBufferPointer(rebasing: second[b.pathRange(right)]))
            }
        }
    }

    /// memcmp order, shorter first on a common prefix.
    static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(left.count, right.count)
        if common > 0, let a = left.baseAddress, let b = right.baseAddress {
            let order = memcmp(a, b, common)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }
}
