import PlanBuildSupport

/// Where the worker reads an input tree's blobs (the CAS through REAPIClient). Neither call is
/// trusted: InputRoot checks what comes back against the digests itself.
package protocol InputBlobs: Sendable {
    /// The blobs `digests` (each small enough to hold in memory), in as few calls as the store can.
    func contents(of digests: [Digest]) throws(LeaseFailure) -> [Digest: [UInt8]]
    /// Writes the blob `digest` into the empty file open for writing as `descriptor`.
    func write(_ digest: Digest, to descriptor: Int32) throws(LeaseFailure)
}

/// Bounds on one input tree: what a server (or whoever wrote to its CAS) can make the worker
/// create and download.
package struct InputRootLimits: Sendable {
    package var maximumEntries = 1_000_000
    package var maximumDepth = 256
    package var maximumTotalBytes: Int64 = 64 << 30
    /// One Directory message.
    package var maximumDirectoryBytes = 16 << 20

    package init() {}
}

/// Lays an action's input root (a Merkle tree of Directory messages in the CAS) out in an empty
/// folder. Everything in the tree is hostile until checked:
/// - a name is one plain component: not empty, not `.` or `..`, no `/`, no NUL, and no name twice
///   in one folder (files, folders and links together);
/// - every file and folder is created new (`O_EXCL`, `mkdirat`) relative to its parent's
///   descriptor and no link is followed on the way (DirectoryHandle), so nothing already in the
///   folder, a planted link included, is written through;
/// - a symbolic link's target is relative and stays inside the input root;
/// - every Directory's bytes and every file's content match their digest (hashed here, whatever
///   the source promised), sizes are bounded by their digest and by the limits; executable bits
///   are set as the tree says.
package struct InputRoot {
    let blobs: any InputBlobs
    let digests: BlobDigests
    var limits: InputRootLimits

    package init(blobs: any InputBlobs, digests: BlobDigests, limits: InputRootLimits = InputRootLimits()) {
        self.blobs = blobs
        self.digests = digests
        self.limits = limits
    }

    /// A folder of the tree still to lay out, by its path (opened when its turn comes, so that a
    /// wide tree does not hold a descriptor per folder).
    private struct Pending {
        let digest: Digest
        /// Relative to the input root ("" is the root), for opening, messages and a link's reach.
        let path: String
        let depth: Int
    }

    /// Folders laid out together: their Directory messages are read in one call, and so are their
    /// small files.
    static let foldersAtOnce = 256
    /// A file up to this size is read with others in one call and checked in memory; a larger
    /// one is streamed into its file and checked there.
    static let smallFileBytes: Int64 = 1 << 20
    /// The small files' bytes held at once.
    static let smallFilesAtOnce: Int64 = 8 << 20

    /// Creates the tree `root` in `folder`, which must be empty, level by level. On an error, what
    /// was created so far stays for the caller to remove with the folder. `cancelled` is asked
    /// before each group of folders: a cancelled lease stops fetching.
    package func materialise(_ root: Digest, into folder: DirectoryHandle, cancelled: () -> Bool = { false }) throws(LeaseFailure) {
        var budget = Budget()
        // A subtree that occurs in several places (identical modules) is read once.
        var known: [Digest: Directory] = [:]
        var level = [Pending(digest: root, path: "", depth: 0)]
        while !level.isEmpty {
            var next: [Pending] = []
            for start in stride(from: 0, to: level.count, by: Self.foldersAtOnce) {
                if cancelled() { throw .unavailable("cancelled while the input root was fetched") }
                let group = level[start..<min(level.count, start + Self.foldersAtOnce)]
                try fetch(group, known: &known)
                var files: [(file: FileNode, folder: DirectoryHandle, path: String)] = []
                for pending in group {
                    let target = try open(pending.path, in: folder)
                    let directory = known[pending.digest] ?? Directory()
                    try Self.checkNames(directory, at: pending.path)
                    try budget.count(directory, at: pending.path, limits: limits)
                    for file in directory.files { files.append((file, target, Self.joined(pending.path, file.name))) }
                    for link in directory.symlinks {
                        try Self.makeLink(link, in: target, at: pending.path, depth: pending.depth)
                    }
                    for child in directory.directories {
                        let path = Self.joined(pending.path, child.name)
                        guard pending.depth < limits.maximumDepth else {
                            throw .invalid("input root: \(path): folders nested deeper than \(limits.maximumDepth)")
                        }
                        guard mkdirat(target.descriptor, child.name, 0o755) == 0 else { throw Self.refusal(errno, path: path) }
                        next.append(Pending(digest: child.digest, path: path, depth: pending.depth + 1))
                    }
                }
                try write(files)
            }
            level = next
        }
    }

    /// What a tree may hold, counted as it is laid out.
    private struct Budget {
        var entries = 0
        var totalBytes: Int64 = 0

        mutating func count(_ directory: Directory, at path: String, limits: InputRootLimits) throws(LeaseFailure) {
            entries += directory.files.count + directory.directories.count + directory.symlinks.count
            guard entries <= limits.maximumEntries else {
                throw .invalid("the input root has more than \(limits.maximumEntries) entries")
            }
            for file in directory.files {
                if let problem = BlobDigests.problem(file.digest, limit: limits.maximumTotalBytes) {
                    throw .invalid("input root: \(InputRoot.joined(path, file.name)): \(problem)")
                }
                totalBytes += file.digest.sizeBytes
                guard totalBytes <= limits.maximumTotalBytes else {
                    throw .invalid("the input root's files are larger than \(limits.maximumTotalBytes) bytes")
                }
            }
        }
    }

    /// The folder `path` below the root, opened without following a link.
    private func open(_ path: String, in root: DirectoryHandle) throws(LeaseFailure) -> DirectoryHandle {
        guard !path.isEmpty else { return root }
        do {
            return try root.folder(path)
        } catch {
            throw .local("input root: \(error)")
        }
    }

    /// Reads the Directory messages of `group` not read yet, in one call, each checked against its
    /// digest before it is decoded.
    private func fetch(_ group: ArraySlice<Pending>, known: inout [Digest: Directory]) throws(LeaseFailure) {
        var wanted: [Digest: String] = [:]
        for pending in group where known[pending.digest] == nil {
            let shown = pending.path.isEmpty ? "the input root" : "input root: \(pending.path)"
            if let problem = BlobDigests.problem(pending.digest, limit: Int64(limits.maximumDirectoryBytes)) {
                throw .invalid("\(shown): \(problem)")
            }
            wanted[pending.digest] = shown
        }
        guard !wanted.isEmpty else { return }
        let fetched = try blobs.contents(of: Array(wanted.keys))
        for (digest, shown) in wanted {
            guard let bytes = fetched[digest], digests.digest(of: bytes) == digest else {
                throw .invalid("\(shown): the Directory's bytes do not match its digest \(digest.hash)/\(digest.sizeBytes)")
            }
            do {
                known[digest] = try Directory(decoding: bytes)
            } catch {
                throw .invalid("\(shown): not a Directory message: \(error)")
            }
        }
    }

    /// The files of a group: the small ones read together (checked in memory, then written), the
    /// large ones streamed into their files one by one (checked there).
    private func write(_ files: [(file: FileNode, folder: DirectoryHandle, path: String)]) throws(LeaseFailure) {
        var chunk: [(file: FileNode, folder: DirectoryHandle, path: String)] = []
        var chunkBytes: Int64 = 0
        func flush() throws(LeaseFailure) {
            let wanted = Array(Set(chunk.map(\.file.digest).filter { $0.sizeBytes > 0 }))
            let fetched = wanted.isEmpty ? [:] : try blobs.contents(of: wanted)
            for entry in chunk {
                let bytes = entry.file.digest.sizeBytes == 0 ? [] : fetched[entry.file.digest]
                guard let bytes, digests.digest(of: bytes) == entry.file.digest else {
                    throw .invalid("input root: \(entry.path): the content does not match its digest \(entry.file.digest.hash)/\(entry.file.digest.sizeBytes)")
                }
                try create(entry.file, in: entry.folder, path: entry.path) { descriptor, path throws(LeaseFailure) in
                    do {
                        try SystemCall.writeAll(descriptor, bytes, path: path)
                    } catch {
                        throw .local("input root: \(error)")
                    }
                }
            }
            chunk = []
            chunkBytes = 0
        }
        for entry in files {
            guard entry.file.digest.sizeBytes <= Self.smallFileBytes else {
                try writeLarge(entry.file, in: entry.folder, path: entry.path)
                continue
            }
            if chunkBytes + entry.file.digest.sizeBytes > Self.smallFilesAtOnce { try flush() }
            chunk.append(entry)
            chunkBytes += entry.file.digest.sizeBytes
        }
        try flush()
    }

    /// A file streamed from the store, then read back and checked against its digest.
    private func writeLarge(_ file: FileNode, in folder: DirectoryHandle, path: String) throws(LeaseFailure) {
        try create(file, in: folder, path: path) { descriptor, path throws(LeaseFailure) in
            try blobs.write(file.digest, to: descriptor)
            let written: Digest
            do {
                written = try digests.digest(ofFile: descriptor, path: path)
            } catch {
                throw .local("input root: \(error)")
            }
            guard written == file.digest else {
                throw .invalid("input root: \(path): the content does not match its digest \(file.digest.hash)/\(file.digest.sizeBytes)")
            }
        }
    }

    /// A new file (never an existing one or a link) with the tree's mode, filled by `fill`.
    private func create(_ file: FileNode, in folder: DirectoryHandle, path: String,
                        fill: (Int32, String) throws(LeaseFailure) -> Void) throws(LeaseFailure) {
        let mode: mode_t = file.isExecutable ? 0o755 : 0o644
        let descriptor = SystemCall.retrying {
            openat(folder.descriptor, file.name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        }
        guard descriptor >= 0 else { throw Self.refusal(errno, path: path) }
        defer { close(descriptor) }
        // The mode exactly as the tree says, whatever this process's umask.
        fchmod(descriptor, mode)
        try fill(descriptor, FileSystem.join(folder.path, file.name))
    }

    /// A link whose target is relative and, read from the link's folder, never climbs above the
    /// input root. It is created, never followed.
    private static func makeLink(_ link: SymlinkNode, in folder: DirectoryHandle, at parent: String, depth: Int) throws(LeaseFailure) {
        let path = joined(parent, link.name)
        guard !link.target.isEmpty, !link.target.hasPrefix("/"), !link.target.utf8.contains(0) else {
            throw .invalid("input root: \(path): the link's target '\(OneLine.escape(link.target))' is not a relative path")
        }
        var level = depth
        for part in link.target.split(separator: "/", omittingEmptySubsequences: true) {
            if part == ".." { level -= 1 } else if part != "." { level += 1 }
            guard level >= 0 else {
                throw .invalid("input root: \(path): the link's target '\(OneLine.escape(link.target))' leaves the input root")
            }
        }
        guard symlinkat(link.target, folder.descriptor, link.name) == 0 else { throw refusal(errno, path: path) }
    }

    /// Every name of `directory` is a plain component, and none occurs twice.
    private static func checkNames(_ directory: Directory, at path: String) throws(LeaseFailure) {
        var seen: Set<String> = []
        let names = directory.files.map(\.name) + directory.directories.map(\.name) + directory.symlinks.map(\.name)
        for name in names {
            guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(0x2F), !name.utf8.contains(0) else {
                throw .invalid("input root: \(path.isEmpty ? "." : path): '\(OneLine.escape(name))' is not a plain file name")
            }
            guard seen.insert(name).inserted else {
                throw .invalid("input root: \(joined(path, name)): the name occurs twice in its folder")
            }
        }
    }

    /// An entry that could not be created: something already there (a planted file or link) is
    /// a refusal of the tree, anything else a problem of this machine.
    private static func refusal(_ code: Int32, path: String) -> LeaseFailure {
        switch code {
        case EEXIST, ELOOP, ENOTDIR:
            return .invalid("input root: \(path): something is already there (a link or a file); not written through")
        default:
            return .local("input root: \(path): \(SystemCall.reason(code))")
        }
    }

    static func joined(_ parent: String, _ name: String) -> String { parent.isEmpty ? name : parent + "/" + name }
}
