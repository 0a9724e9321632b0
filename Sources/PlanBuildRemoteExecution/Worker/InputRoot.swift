import PlanBuildSupport

/// Where the worker reads an input tree's blobs (the CAS through REAPIClient). Neither call is
/// trusted: InputRoot checks what comes back against the digest itself.
package protocol InputBlobs: Sendable {
    /// The bytes of the blob `digest` (a Directory), at most `maximumBytes`.
    func bytes(of digest: Digest, maximumBytes: Int) throws(LeaseFailure) -> [UInt8]
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

    private struct Pending {
        let digest: Digest
        let folder: DirectoryHandle
        /// Relative to the input root, for messages and for a link's reach ("" is the root).
        let path: String
        let depth: Int
    }

    /// Creates the tree `root` in `folder`, which must be empty. On an error, what was created so
    /// far stays for the caller to remove with the folder. `cancelled` is asked before each
    /// folder: a cancelled lease stops fetching.
    package func materialise(_ root: Digest, into folder: DirectoryHandle, cancelled: () -> Bool = { false }) throws(LeaseFailure) {
        var entries = 0
        var totalBytes: Int64 = 0
        var pending = [Pending(digest: root, folder: folder, path: "", depth: 0)]
        // A subtree that occurs in several places (identical modules) is read once.
        var known: [Digest: Directory] = [:]
        while let next = pending.popLast() {
            if cancelled() { throw .unavailable("cancelled while the input root was fetched") }
            let directory = try self.directory(next.digest, at: next.path, known: &known)
            try Self.checkNames(directory, at: next.path)
            entries += directory.files.count + directory.directories.count + directory.symlinks.count
            guard entries <= limits.maximumEntries else {
                throw .invalid("the input root has more than \(limits.maximumEntries) entries")
            }
            for file in directory.files {
                if let problem = BlobDigests.problem(file.digest, limit: limits.maximumTotalBytes) {
                    throw .invalid("input root: \(Self.joined(next.path, file.name)): \(problem)")
                }
                totalBytes += file.digest.sizeBytes
                guard totalBytes <= limits.maximumTotalBytes else {
                    throw .invalid("the input root's files are larger than \(limits.maximumTotalBytes) bytes")
                }
                try write(file, in: next.folder, at: next.path)
            }
            for link in directory.symlinks {
                try Self.makeLink(link, in: next.folder, at: next.path, depth: next.depth)
            }
            for child in directory.directories {
                let path = Self.joined(next.path, child.name)
                guard next.depth < limits.maximumDepth else {
                    throw .invalid("input root: \(path): folders nested deeper than \(limits.maximumDepth)")
                }
                guard mkdirat(next.folder.descriptor, child.name, 0o755) == 0 else {
                    throw Self.refusal(errno, path: path)
                }
                let opened: DirectoryHandle
                do {
                    opened = try next.folder.folder(child.name)
                } catch {
                    throw .local("input root: \(error)")
                }
                pending.append(Pending(digest: child.digest, folder: opened, path: path, depth: next.depth + 1))
            }
        }
    }

    private func directory(_ digest: Digest, at path: String, known: inout [Digest: Directory]) throws(LeaseFailure) -> Directory {
        if let directory = known[digest] { return directory }
        let shown = path.isEmpty ? "the input root" : "input root: \(path)"
        if let problem = BlobDigests.problem(digest, limit: Int64(limits.maximumDirectoryBytes)) {
            throw .invalid("\(shown): \(problem)")
        }
        let bytes = try blobs.bytes(of: digest, maximumBytes: Int(digest.sizeBytes))
        guard digests.digest(of: bytes) == digest else {
            throw .invalid("\(shown): the Directory's bytes do not match its digest \(digest.hash)/\(digest.sizeBytes)")
        }
        let directory: Directory
        do {
            directory = try Directory(decoding: bytes)
        } catch {
            throw .invalid("\(shown): not a Directory message: \(error)")
        }
        known[digest] = directory
        return directory
    }

    /// A new file (never an existing one or a link), its content checked against its digest.
    private func write(_ file: FileNode, in folder: DirectoryHandle, at parent: String) throws(LeaseFailure) {
        let path = Self.joined(parent, file.name)
        let mode: mode_t = file.isExecutable ? 0o755 : 0o644
        let descriptor = SystemCall.retrying {
            openat(folder.descriptor, file.name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        }
        guard descriptor >= 0 else { throw Self.refusal(errno, path: path) }
        defer { close(descriptor) }
        // The mode exactly as the tree says, whatever this process's umask.
        fchmod(descriptor, mode)
        if file.digest.sizeBytes > 0 { try blobs.write(file.digest, to: descriptor) }
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
