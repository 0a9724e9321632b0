import CPlanBuildSupport
import PlanBuildSupport
import PlanBuildModel

/// One input found on disk: its path relative to the project (as seen from there, through any
/// symbolic link on the way), its identity, and what it is.
public struct ScannedFile: Sendable {
    public enum Kind: UInt8, Sendable {
        /// A regular file: its content is the input.
        case file
        /// A regular file with the owner's executable bit, which git records too (mode 100755):
        /// its content and that bit are the input, so a `chmod +x` is a change.
        case executableFile
        /// A symbolic link whose target is not a file: its text is the input (a folder it
        /// points to is walked, and its files are inputs of their own under the link's path).
        case symlink
        /// A symbolic link to a regular file: its text and the file's content are the input.
        case symlinkToFile
    }

    public let path: String
    public let identity: FileIdentity
    public let kind: Kind

    init(path: String, identity: FileIdentity, kind: Kind = .file) {
        self.path = path
        self.identity = identity
        self.kind = kind
    }
}

/// Lists the files under given project-relative paths (folders walked, files taken as they are),
/// minus what `IgnoreRules` excludes. Paths outside the project are refused.
///
/// Symbolic links are inputs as git sees them, by their text (a retargeted link is a change), and
/// they are read through as the build reads them: a link to a file adds the file's content, a
/// link to a folder is walked under the link's path, inside the project or outside it. A link to
/// a folder already on the walk's path (the scan root's ancestors included) is a loop and is not
/// walked; neither is one into an output folder of the project (its content changes with every
/// build). The walk only reads: nothing is ever written through a link.
///
/// The walk is the whole cost of deciding that nothing changed on a large project (benchmarks/
/// incremental), so it works on bytes: folders are opened relative to their parent (one path
/// component for the kernel to look up), names stay in a buffer, a `.gitignore` is read only
/// when the folder's listing shows one, and no String is made per file.
struct InputScanner {
    let projectDirectory: String
    private(set) var rules: IgnoreRules
    private var gitIgnoreFoldersRead: Set<String> = []
    /// false: the artifact mode. Every file counts (artifact folders such as npm's `dist/`, which
    /// the rules exclude as inputs), a link to a file counts as that file, and links are neither
    /// recorded nor followed into folders.
    private let applyIgnoreRules: Bool
    /// The folder listings of the previous scan (FolderListings): a folder with the same identity
    /// is not read again.
    var previousListings: [[UInt8]: FolderListing] = [:]
    /// The listings of the folders this scan walked, for the next scan (racy folders left out).
    private(set) var listings: [[UInt8]: FolderListing] = [:]
    /// When the scanner was made: an entry changed since shortly before is racy (FileIdentity.isRacy).
    let startNanoseconds: Int64
    /// Told of every folder the walk opens, before it is listed (not those reached through a
    /// link): the file watcher watches each, so a change after its listing is never missed.
    var onFolder: (@Sendable (_ descriptor: Int32, _ path: [UInt8]) -> Void)?
    /// Whether a folder named as a scan root is left out when the ignore rules exclude it, as it
    /// would be on a walk from above (the watcher rescans single changed entries this way).
    var ignoresRootFolders = false
    /// Links being walked through: folders under one are not the watcher's to watch.
    private var linkDepth = 0

    /// The folders on the walk's current path, for loop detection: a link to one of them is not walked.
    private var walkPath: [FolderKey] = []
    /// The current scan root's ancestors (the project folder included), found when the first link
    /// to a folder asks; nil until then.
    private var scanRootAncestors: [FolderKey]?
    private var scanRoot = ""
    private var rootDescriptor: Int32 = -1
    /// The project folder without links, for telling where a link to a folder leads: nil until
    /// looked up, `.some(nil)` when it cannot be resolved.
    private var projectRealPath: String??

    /// `outputFolders`: the project-relative folders that are never inputs (BuildInputs.outputFolders).
    init(projectDirectory: String, outputFolders: [String] = [], applyIgnoreRules: Bool = true) {
        self.init(projectDirectory: projectDirectory, rules: IgnoreRules(outputFolders: outputFolders), applyIgnoreRules: applyIgnoreRules)
    }

    /// With the rules of the output folders made once (IgnoreRules(outputFolders:)), for a
    /// process that scans the same project again and again (ProjectWatcher).
    init(projectDirectory: String, rules: IgnoreRules, applyIgnoreRules: Bool = true) {
        self.projectDirectory = projectDirectory
        self.rules = rules
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
        rootDescriptor = root
        defer { rootDescriptor = -1 }
        for raw in paths {
            guard let path = Self.normalise(raw) else { continue }
            readGitIgnores(upTo: path)
            let target = path.isEmpty ? "." : path
            var info = stat()
            guard fstatat(root, target, &info, linkFlags) == 0 else { continue }
            var relative = Array(path.utf8)
            let name = path.split(separator: "/").last.map(String.init) ?? path
            scanRoot = path
            scanRootAncestors = nil
            walkPath = []
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if ignoresRootFolders, !path.isEmpty, name.withCString({ ignoresFolder(relative, name: $0) }) { continue }
                let descriptor = openat(root, target, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if descriptor >= 0 { walk(descriptor, folder: &relative, into: &found, listing: listing) }
            case S_IFREG:
                if !(applyIgnoreRules && rules.ignores(path, name: name, isFolder: false)) {
                    relative.withUnsafeBufferPointer { found.append(path: $0, identity: FileIdentity(info), kind: Self.kind(info)) }
                }
            case S_IFLNK:
                guard !ignoresLink(relative, name: name) else { continue }
                addLink(parent: root, entry: target, link: info, path: &relative, into: &found, listing: listing)
            default:
                continue
            }
        }
        return found.sortedUnique()
    }

    /// A regular file's kind, by the executable bit git records.
    private static func kind(_ info: stat) -> ScannedFile.Kind {
        info.st_mode & S_IXUSR == 0 ? .file : .executableFile
    }

    /// Inputs are taken by lstat (a link is an input of its own); artifacts through links, as before.
    private var linkFlags: Int32 { applyIgnoreRules ? AT_SYMLINK_NOFOLLOW : 0 }

    /// `path` without `./`, trailing `/` and `.` parts; nil when it leaves the project (`..`, absolute).
    static func normalise(_ path: String) -> String? { ProjectRelativePath.normalise(path) }

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
        let identity: FileIdentity? = fstat(descriptor, &info) == 0 ? FileIdentity(info) : nil
        walkPath.append(identity == nil ? FolderKey.unknown : FolderKey(info))
        defer { walkPath.removeLast() }
        if linkDepth == 0, let onFolder { onFolder(descriptor, folder) }
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
        let statFlags = linkFlags

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
                    guard fstatat(descriptor, name, &info, statFlags) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFREG:
                        if filesMayBeIgnored && ignores(folder, name: name, isFolder: false) { continue }
                        folder.withUnsafeBufferPointer { found.append(path: $0, identity: FileIdentity(info), kind: Self.kind(info)) }
                        continue
                    case S_IFDIR where type == UInt8(DT_UNKNOWN):
                        isFolder = true
                    case S_IFLNK:
                        if !ignoresLink(folder, name: name) {
                            addLink(parent: descriptor, entry: name, link: info, path: &folder, into: &found, listing: listing)
                        }
                        continue
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
            let count = SystemCall.retrying { pbs_read_directory(descriptor, buffer.baseAddress!, buffer.count) }
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
        withTerminated(path) { rules.ignores(path: $0, name: name, isFolder: isFolder) }
    }

    /// A link is ignored as git ignores it, as a file (a pattern for folders only does not match
    /// it), and where an output or tool folder would be, whatever it points to.
    private func ignoresLink(_ path: [UInt8], name: UnsafePointer<CChar>) -> Bool {
        withTerminated(path) { rules.excludes(path: $0, name: name) || rules.ignores(path: $0, name: name, isFolder: false) }
    }

    private func ignoresLink(_ path: [UInt8], name: String) -> Bool {
        name.withCString { ignoresLink(path, name: $0) }
    }

    private func withTerminated<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        var terminated = path
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }

    // MARK: Symbolic links

    /// Records the link `entry` (relative to the open folder `parent`; seen from the project as
    /// `path`, restored on return) whose lstat is `link`, and reads through it unless it leads
    /// into an output folder: a file's content joins the link's entry, a folder is walked unless
    /// that would loop.
    private mutating func addLink(parent: Int32, entry: UnsafePointer<CChar>, link: stat, path: inout [UInt8],
                                  into found: inout ScannedFiles, listing: UnsafeMutableRawBufferPointer) {
        var target = stat()
        let resolved = fstatat(parent, entry, &target, 0) == 0 // fails on a dangling link or a chain that loops
        switch resolved ? target.st_mode & S_IFMT : 0 {
        case S_IFREG where !leadsIntoExcludedFolder(path):
            path.withUnsafeBufferPointer { found.append(path: $0, identity: FileIdentity(link: link, target: target), kind: .symlinkToFile) }
        case S_IFDIR:
            path.withUnsafeBufferPointer { found.append(path: $0, identity: FileIdentity(link), kind: .symlink) }
            guard !leadsIntoExcludedFolder(path) else { return }
            let child = openat(parent, entry, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard child >= 0 else { return }
            // The folder actually opened (the link may have changed since the fstatat) decides the loop.
            var opened = stat()
            guard fstat(child, &opened) == 0, !isOnWalkPath(FolderKey(opened)) else { close(child); return }
            linkDepth += 1
            defer { linkDepth -= 1 }
            walk(child, folder: &path, into: &found, listing: listing)
        default:
            path.withUnsafeBufferPointer { found.append(path: $0, identity: FileIdentity(link), kind: .symlink) }
        }
    }

    /// Whether the folder `key` is the scan root, one of its ancestors, or a folder walked on the
    /// way to the current one.
    private mutating func isOnWalkPath(_ key: FolderKey) -> Bool {
        if walkPath.contains(key) { return true }
        if scanRootAncestors == nil {
            var ancestors: [FolderKey] = []
            var prefix = ""
            var info = stat()
            if fstat(rootDescriptor, &info) == 0 { ancestors.append(FolderKey(info)) }
            for part in scanRoot.split(separator: "/").dropLast() { // the scan root itself is on walkPath when walked
                prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
                if fstatat(rootDescriptor, prefix, &info, 0) == 0 { ancestors.append(FolderKey(info)) }
            }
            scanRootAncestors = ancestors
        }
        return scanRootAncestors!.contains(key)
    }

    /// Whether the link at `path` leads into an output or tool folder of the project (or the plan folder).
    private mutating func leadsIntoExcludedFolder(_ path: [UInt8]) -> Bool {
        if projectRealPath == nil { projectRealPath = .some(FileSystem.realPath(projectDirectory.isEmpty ? "." : projectDirectory)) }
        guard let project = projectRealPath!,
              let real = FileSystem.realPath(FileSystem.join(projectDirectory.isEmpty ? "." : projectDirectory,
                                                             String(decoding: path, as: UTF8.self))) else { return false }
        let prefix = project.hasSuffix("/") ? project : project + "/"
        guard real.hasPrefix(prefix) else { return false } // outside the project: read like any input
        return rules.excludesFolderOrAncestor(of: String(real.dropFirst(prefix.count)))
    }
}

/// A folder's device and inode: the same folder, whichever path reached it.
private struct FolderKey: Equatable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    private init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// A folder whose fstat failed: matches no folder a link leads to.
    static let unknown = FolderKey(device: .max, inode: .max)
}
