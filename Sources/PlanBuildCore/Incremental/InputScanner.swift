import CPlanBuildSupport

/// A file's identity as the file system reports it: what the fast path compares to decide that
/// a file is unchanged without reading it (the same size, mtime, inode and ctime as recorded).
public struct FileIdentity: Equatable, Sendable {
    public let size: Int64
    public let modifiedNanoseconds: Int64
    public let inode: UInt64
    public let changedNanoseconds: Int64
}

/// One input file found on disk: its path relative to the project and its identity.
public struct ScannedFile: Sendable {
    public let path: String
    public let identity: FileIdentity
}

/// Lists the files under given project-relative paths (folders walked, files taken as they are),
/// minus what `IgnoreRules` excludes. Symbolic links to folders are not followed (a link cycle
/// cannot hang a scan); a link to a file counts as that file. Paths outside the project are refused.
///
/// The walk is the whole cost of deciding that nothing changed on a large project (benchmarks/
/// incremental), so it works on bytes: folders are opened relative to their parent (one path
/// component for the kernel to look up), names stay in a buffer, a `.gitignore` is read only
/// when the folder's listing shows one, and no String is made per file.
struct InputScanner {
    let projectDirectory: String
    private(set) var rules = IgnoreRules()
    private var gitIgnoreFoldersRead: Set<String> = []
    /// false: every file counts (artifact folders such as npm's `dist/`, which the rules exclude as inputs).
    private let applyIgnoreRules: Bool
    /// The folder listings of the previous scan (FolderListings): a folder with the same identity
    /// is not read again.
    var previousListings: [[UInt8]: FolderListing] = [:]
    /// The listings of the folders this scan walked, for the next scan (racy folders left out).
    private(set) var listings: [[UInt8]: FolderListing] = [:]
    private let startNanoseconds: Int64

    init(projectDirectory: String, applyIgnoreRules: Bool = true) {
        self.projectDirectory = projectDirectory
        self.applyIgnoreRules = applyIgnoreRules
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        self.startNanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Starts the listings afresh with `previous` (a module's scan starts from a copy of the
    /// scanner that read the project-wide files).
    mutating func useListings(previous: [[UInt8]: FolderListing]) {
        previousListings = previous
        listings = [:]
    }

    /// Bytes of directory records read per system call: a folder of a few hundred files in one.
    static let listingBufferSize = 32 << 10

    /// The files under `paths` (relative to the project), sorted by path, each once.
    mutating func scan(_ paths: [String]) -> [ScannedFile] { scanFiles(paths).files }

    /// `scan` in byte form (ScannedFiles), for the no-change fast path.
    mutating func scanFiles(_ paths: [String]) -> ScannedFiles {
        var found = ScannedFiles()
        let listing = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.listingBufferSize, alignment: 8)
        defer { listing.deallocate() }
        let root = open(projectDirectory.isEmpty ? "." : projectDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { return found }
        defer { close(root) }
        for raw in paths {
            guard let path = Self.normalise(raw) else { continue }
            readGitIgnores(upTo: path)
            let target = path.isEmpty ? "." : path
            var info = stat()
            guard fstatat(root, target, &info, 0) == 0 else { continue }
            var relative = Array(path.utf8)
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let descriptor = openat(root, target, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if descriptor >= 0 { walk(descriptor, folder: &relative, into: &found, listing: listing) }
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                let name = path.split(separator: "/").last.map(String.init) ?? path
                if !(applyIgnoreRules && rules.ignores(path, name: name, isFolder: false)) {
                    relative.withUnsafeBufferPointer { found.append(path: $0, identity: Self.identity(info)) }
                }
            }
        }
        return found.sortedUnique()
    }

    /// `path` without `./`, trailing `/` and `.` parts; nil when it leaves the project (`..`, absolute).
    static func normalise(_ path: String) -> String? {
        if path.hasPrefix("/") { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { return nil }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// .gitignore files apply to everything below their folder: read those of every ancestor.
    private mutating func readGitIgnores(upTo path: String) {
        var folder = ""
        readGitIgnore(in: folder)
        for part in path.split(separator: "/").dropLast() {
            folder = folder.isEmpty ? String(part) : folder + "/" + part
            readGitIgnore(in: folder)
        }
    }

    private mutating func readGitIgnore(in folder: String) {
        guard applyIgnoreRules, gitIgnoreFoldersRead.insert(folder).inserted else { return }
        rules.addGitIgnore(in: folder, projectDirectory: projectDirectory)
    }

    /// Walks the open folder `descriptor` (closed here), whose path relative to the project is
    /// `folder` (restored on return), appending its files to `found`. `listing` is the scan's
    /// buffer for the kernel's directory records, reused by every folder: a folder is listed
    /// whole before its subfolders are walked.
    private mutating func walk(_ descriptor: Int32, folder: inout [UInt8], into found: inout ScannedFiles,
                               listing: UnsafeMutableRawBufferPointer) {
        defer { close(descriptor) }

        // The listing first: a folder's .gitignore applies to its own entries. Unchanged since
        // the previous scan (same identity), it is taken from there without reading the folder.
        var info = stat()
        let identity: FileIdentity? = fstat(descriptor, &info) == 0 ? Self.identity(info) : nil
        let listed: FolderListing
        if let identity, let previous = previousListings[folder], previous.identity == identity {
            listed = previous
        } else {
            listed = Self.list(descriptor, buffer: listing, identity: identity)
        }
        // Recorded for the next scan unless its identity is unknown or too recent to trust.
        if identity != nil, !listed.isRacy(scanStartNanoseconds: startNanoseconds) {
            listings[folder] = listed
        }
        let names = listed.names
        let entries = listed.entries
        let hasGitIgnore = listed.hasGitIgnore
        if hasGitIgnore { readGitIgnore(in: String(decoding: folder, as: UTF8.self)) }
        let filesMayBeIgnored = applyIgnoreRules && rules.mayIgnoreFiles

        let folderLength = folder.count
        guard !entries.isEmpty else { return }
        names.withUnsafeBufferPointer { names in
            let base = names.baseAddress!
            for (offset, type) in entries {
                let name = base + offset
                // folder/name; the ignore rules add the NUL they need.
                folder.removeSubrange(folderLength...)
                if folderLength > 0 { folder.append(UInt8(ascii: "/")) }
                folder.append(contentsOf: UnsafeRawBufferPointer(start: name, count: strlen(name)))
                var isFolder = type == UInt8(DT_DIR)
                if !isFolder {
                    var info = stat()
                    // Follows a link to a file; a link to a folder is skipped below (not walked).
                    guard fstatat(descriptor, name, &info, 0) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFREG:
                        if filesMayBeIgnored && ignores(folder, name: name, isFolder: false) { continue }
                        folder.withUnsafeBufferPointer { found.append(path: $0, identity: Self.identity(info)) }
                        continue
                    case S_IFDIR where type == UInt8(DT_UNKNOWN):
                        isFolder = true
                    default:
                        continue
                    }
                }
                guard isFolder, !ignoresFolder(folder, name: name) else { continue }
                // O_NOFOLLOW: a folder that turned into a link since the listing is not walked.
                let child = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
                if child >= 0 { walk(child, folder: &folder, into: &found, listing: listing) }
            }
        }
        folder.removeSubrange(folderLength...)
    }

    /// Reads the entries of the open folder `descriptor` with the scan's `buffer`, sorted in the
    /// manifest's order (a folder at its name + "/"), so the files of a walk come out sorted
    /// without a sort of the whole list (ScannedFiles.sortedUnique only checks).
    private static func list(_ descriptor: Int32, buffer: UnsafeMutableRawBufferPointer, identity: FileIdentity?) -> FolderListing {
        var names: [CChar] = [] // NUL-terminated names, one after another
        var entries: [(offset: Int, type: UInt8)] = []
        var hasGitIgnore = false
        while true {
            let count = pbs_read_directory(descriptor, buffer.baseAddress!, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            var position = 0
            // linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
            while position < count {
                let record = buffer.baseAddress! + position
                let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                let type = record.load(fromByteOffset: 18, as: UInt8.self)
                let name = (record + 19).assumingMemoryBound(to: CChar.self)
                position += length
                guard length > 19 else { break } // a corrupt record: stop rather than loop
                let nameLength = strlen(name)
                if name[0] == 0x2E && (nameLength == 1 || (nameLength == 2 && name[1] == 0x2E)) { continue } // . and ..
                if nameLength == 10 && strcmp(name, ".gitignore") == 0 { hasGitIgnore = true }
                entries.append((names.count, type))
                names.append(contentsOf: UnsafeBufferPointer(start: name, count: nameLength + 1))
            }
        }
        names.withUnsafeBufferPointer { names in
            let base = names.baseAddress
            if let base {
                entries.sort { precedes(base + $0.offset, isFolder: $0.type == UInt8(DT_DIR), base + $1.offset, isFolder: $1.type == UInt8(DT_DIR)) }
            }
        }
        // Without an identity (fstat failed) the listing is used once and never recorded (walk).
        return FolderListing(identity: identity ?? FileIdentity(size: -1, modifiedNanoseconds: 0, inode: 0, changedNanoseconds: 0),
                             names: names, entries: entries, hasGitIgnore: hasGitIgnore)
    }

    /// Byte order of the paths `name` and `name/…`: a folder's name compares as if followed by `/`.
    private static func precedes(_ left: UnsafePointer<CChar>, isFolder leftIsFolder: Bool,
                                 _ right: UnsafePointer<CChar>, isFolder rightIsFolder: Bool) -> Bool {
        var index = 0
        while true {
            var a = UInt8(bitPattern: left[index]), b = UInt8(bitPattern: right[index])
            if a == 0 && leftIsFolder { a = UInt8(ascii: "/") }
            if b == 0 && rightIsFolder { b = UInt8(ascii: "/") }
            if a != b || a == 0 || a == UInt8(ascii: "/") { return a < b }
            index += 1
        }
    }

    private func ignoresFolder(_ path: [UInt8], name: UnsafePointer<CChar>) -> Bool {
        applyIgnoreRules && ignores(path, name: name, isFolder: true)
    }

    private func ignores(_ path: [UInt8], name: UnsafePointer<CChar>, isFolder: Bool) -> Bool {
        var terminated = path
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { rules.ignores(path: $0.baseAddress!, name: name, isFolder: isFolder) }
        }
    }

    static func identity(_ info: stat) -> FileIdentity {
        FileIdentity(size: Int64(info.st_size),
                     modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                     inode: UInt64(info.st_ino),
                     changedNanoseconds: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }
}
