import CPlanBuildSupport
import PlanBuildSupport

/// What each folder of a module held when it was last scanned: its identity and its entries
/// (name and type, in walk order). Stored after the module's manifest, so the next scan can skip
/// reading a folder whose identity is unchanged: creating, removing or renaming an entry changes
/// the folder's mtime and ctime, and ctime cannot be set back. Git's untracked cache rests on the
/// same rule. Listing folders costs more than a third of a no-change run on a large project
/// (ext4 hashes every name of an indexed folder on each read).
///
/// The listing is kept whole, ignored names included: the ignore rules are applied afresh on
/// every scan, so a changed `.gitignore` still takes effect.
struct FolderListing: Sendable {
    let identity: FileIdentity
    /// NUL-terminated names, one after another.
    let names: [CChar]
    /// Where each entry's name starts in `names`, and its d_type, in walk order.
    let entries: [(offset: Int, type: UInt8)]
    let hasGitIgnore: Bool

    /// A folder changed just before the scan started is not recorded: another change in the same
    /// clock tick could leave its times as they were (FileIdentity.isRacy, the rule files follow too).
    func isRacy(scanStartNanoseconds: Int64) -> Bool {
        identity.isRacy(scanStartNanoseconds: scanStartNanoseconds)
    }
}

/// The stored form of a module's folder listings, a section after the manifest's entries:
///
///     listings
///     size TAB mtime_ns TAB inode TAB ctime_ns TAB folder      (folder path, escaped)
///     type SPACE name TAB type SPACE name …                    (the entries; an empty line when none)
///
/// Paths and names are bytes as the file system gives them, with `\`, tab, line feed and carriage
/// return escaped as in the manifest; nothing is decoded as UTF-8, so any name round-trips.
enum FolderListings {
    static let sectionHeader = Array("listings\n".utf8)

    static func stored(_ listings: [[UInt8]: FolderListing]) -> [UInt8] {
        guard !listings.isEmpty else { return [] }
        var out = sectionHeader
        for folder in listings.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let listing = listings[folder]!
            let identity = listing.identity
            out += Array("\(identity.size)\t\(identity.modifiedNanoseconds)\t\(identity.inode)\t\(identity.changedNanoseconds)\t".utf8)
            escape(folder[...], into: &out)
            out.append(UInt8(ascii: "\n"))
            listing.names.withUnsafeBufferPointer { names in
                for (index, entry) in listing.entries.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: "\t")) }
                    out += Array(String(entry.type).utf8)
                    out.append(UInt8(ascii: " "))
                    let name = UnsafeRawBufferPointer(start: names.baseAddress! + entry.offset, count: strlen(names.baseAddress! + entry.offset))
                    escape(name, into: &out)
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The listings in a stored manifest (empty when it has none, or on any malformed line: the
    /// scan then reads every folder, which is always correct). Read on every no-change run, so
    /// it works on the bytes in place.
    static func parse(manifest bytes: [UInt8]) -> [[UInt8]: FolderListing] {
        guard let start = sectionStart(bytes) else { return [:] }
        return bytes.withUnsafeBufferPointer { buffer -> [[UInt8]: FolderListing] in
            let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), space = UInt8(ascii: " ")
            var position = start + sectionHeader.count
            /// The bytes up to the first of `stops` (or the end), and which stop ended them (0 at the end).
            func field(until first: UInt8, _ second: UInt8 = 0) -> (Slice<UnsafeBufferPointer<UInt8>>, UInt8) {
                let begin = position
                while position < buffer.count, buffer[position] != first, buffer[position] != second || second == 0 { position += 1 }
                let stop = position < buffer.count ? buffer[position] : 0
                let slice = buffer[begin..<position]
                if position < buffer.count { position += 1 }
                return (slice, stop)
            }
            var listings: [[UInt8]: FolderListing] = [:]
            while position < buffer.count {
                var numbers: [Int64] = []
                for _ in 0..<4 {
                    let (text, stop) = field(until: tab)
                    guard stop == tab, let value = number(text) else { return [:] }
                    numbers.append(value)
                }
                let (folder, folderStop) = field(until: newline)
                guard folderStop == newline else { return [:] }
                var names: [CChar] = []
                var entries: [(offset: Int, type: UInt8)] = []
                var hasGitIgnore = false
                if position < buffer.count, buffer[position] == newline {
                    position += 1 // an empty folder
                } else {
                    while true {
                        let (typeText, typeStop) = field(until: space)
                        guard typeStop == space, let type = number(typeText), (0...255).contains(type) else { return [:] }
                        let (rawName, stop) = field(until: tab, newline)
                        let name = unescape(rawName)
                        guard !name.isEmpty, !name.contains(0), !name.contains(UInt8(ascii: "/")) else { return [:] }
                        if name.count == 10, name.elementsEqual(".gitignore".utf8) { hasGitIgnore = true }
                        entries.append((names.count, UInt8(type)))
                        for byte in name { names.append(CChar(bitPattern: byte)) }
                        names.append(0)
                        if stop == newline { break }
                        guard stop == tab else { return [:] }
                    }
                }
                let identity = FileIdentity(size: numbers[0], modifiedNanoseconds: numbers[1], inode: UInt64(bitPattern: numbers[2]),
                                            changedNanoseconds: numbers[3])
                listings[unescape(folder)] = FolderListing(identity: identity, names: names, entries: entries, hasGitIgnore: hasGitIgnore)
            }
            return listings
        }
    }

    /// Where the section starts: a line that is exactly `listings`, after the entries.
    static func sectionStart(_ bytes: [UInt8]) -> Int? {
        if bytes.starts(with: sectionHeader) { return 0 }
        let marker = [UInt8(ascii: "\n")] + sectionHeader
        return bytes.withUnsafeBytes { buffer -> Int? in
            marker.withUnsafeBytes { needle -> Int? in
                guard let base = buffer.baseAddress,
                      let found = pbs_memmem(base, buffer.count, needle.baseAddress!, needle.count) else { return nil }
                return base.distance(to: found) + 1
            }
        }
    }

    private static func number<C: Collection<UInt8>>(_ bytes: C) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var value: Int64 = 0
        var negative = false
        var first = true
        for byte in bytes {
            if first && byte == UInt8(ascii: "-") { negative = true; first = false; continue }
            first = false
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int64(digit) // wrapping: a corrupt file must not trap
        }
        return negative ? -value : value
    }

    static func escape(_ bytes: some Sequence<UInt8>, into out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
    }

    static func unescape<C: Collection<UInt8>>(_ bytes: C) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "\\")) else { return Array(bytes) }
        var out: [UInt8] = []
        var escaping = false
        for byte in bytes {
            if escaping {
                switch byte {
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                default: out.append(byte)
                }
                escaping = false
            } else if byte == UInt8(ascii: "\\") {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return out
    }
}
