import CPlanBuildSupport
import PlanBuildSupport
import PlanBuildModel

/// Puts files fetched from a content-addressed store — a shared cache's blobs, a remote execution
/// cluster's outputs — into the project, trusting nothing of what arrives.
///
/// Each blob streams, at most the size declared for it, into a new hidden temporary file created
/// in its destination folder itself, opened below the project without following any link
/// (DirectoryHandle), and is hashed while it streams; only when every blob is complete and matches
/// its SHA-256 are they renamed into place, each then checked to be there with its size. A blob
/// with a wrong digest is never put in place, and nothing of a set is when one blob fails.
package struct OutputRestore {
    /// The largest file a store may declare (its transfer is cut at the declared size).
    package static let maximumFileSize: Int64 = 4 << 30

    /// A SHA-256 as 64 lower-case hex digits.
    package static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// One file to restore: `name` inside `folder` (relative to the project, or the log folder).
    package struct File: Equatable, Sendable {
        package let folder: String
        package let name: String
        package let size: Int64
        package let sha256: String
        package let executable: Bool

        package init(folder: String, name: String, size: Int64, sha256: String, executable: Bool = false) {
            self.folder = folder
            self.name = name
            self.size = size
            self.sha256 = sha256
            self.executable = executable
        }

        package var path: String { folder.isEmpty ? name : folder + "/" + name }
    }

    /// What the store gave for one blob.
    package enum Fetched {
        /// All of it went to the receiver.
        case complete
        /// The receiver cut the transfer (too long, not writable).
        case cut
        /// The store failed; the reason, or nil when the store has noted it already.
        case failed(String?)
    }

    /// Streams the blob of `file` to `receive`, piece by piece, before it returns; `receive`
    /// returning false asks it to stop (`.cut`).
    package typealias Fetch = (File, _ receive: (UnsafeRawBufferPointer) -> Bool) -> Fetched

    /// What a restore put in place.
    package struct Placed {
        /// The log's local path, when there was a log.
        package let logPath: String?
    }

    let layout: ProjectLayout
    let hasher: ContentHasher
    /// Told every problem (a line of the run's warnings).
    let note: @Sendable (String) -> Void

    package init(layout: ProjectLayout, hasher: ContentHasher, note: @escaping @Sendable (String) -> Void) {
        self.layout = layout
        self.hasher = hasher
        self.note = note
    }

    /// A file downloaded and checked, waiting in its folder under a temporary name.
    private struct Staged {
        let folder: DirectoryHandle
        let temporary: String
        let file: File
    }

    /// Downloads every blob of `artifacts` (and `log`, into the module's log folder) next to its
    /// destination and renames them all into place; nil when anything failed (noted; no temporary
    /// is left).
    package func restore(artifacts: [File], log: File?, module: String, fetch: Fetch) -> Placed? {
        var staged: [Staged] = []
        var placed = false
        defer { if !placed { for entry in staged { try? entry.folder.remove(entry.temporary) } } }
        let project: DirectoryHandle
        do {
            project = try DirectoryHandle.open(layout.projectDir)
        } catch {
            note("cannot open the project folder: \(error.reason)")
            return nil
        }
        var folders: [String: DirectoryHandle] = [:]
        for file in artifacts {
            let folder: DirectoryHandle
            do {
                if let known = folders[file.folder] {
                    folder = known
                } else {
                    // Made when missing; a link anywhere below the project refuses it.
                    folder = file.folder.isEmpty ? project : try project.folder(file.folder, create: true)
                    folders[file.folder] = folder
                }
            } catch {
                note("the output folder of \(module) cannot be used: \(error.description); refused")
                return nil
            }
            guard let temporary = download(file, into: folder, for: module, fetch: fetch) else { return nil }
            staged.append(Staged(folder: folder, temporary: temporary, file: file))
        }
        var logPath: String?
        if let log {
            let scope = LogFiles.sanitizedScope(module)
            let folder: DirectoryHandle
            do {
                folder = try DirectoryHandle.open(layout.planDir).folder("temp/build-output/\(scope)", create: true)
            } catch {
                note("the log folder of \(module) cannot be used: \(error.description); refused")
                return nil
            }
            guard let temporary = download(log, into: folder, for: module, fetch: fetch) else { return nil }
            staged.append(Staged(folder: folder, temporary: temporary, file: log))
            logPath = FileSystem.join(FileSystem.join(FileSystem.absolute(layout.buildOutputDir), scope), log.name)
        }
        placed = true
        for (index, entry) in staged.enumerated() {
            do {
                try entry.folder.rename(entry.temporary, to: entry.file.name)
            } catch {
                for later in staged[(index + 1)...] { try? later.folder.remove(later.temporary) }
                note("cannot put \(entry.file.path) of \(module) in place: \(error.reason)")
                return nil
            }
        }
        // Each is there as a regular file of its size (what a later local hit checks too).
        for entry in staged {
            guard let info = entry.folder.status(entry.file.name), (info.st_mode & S_IFMT) == S_IFREG,
                  Int64(info.st_size) == entry.file.size else {
                note("\(entry.file.path) of \(module) is not in place after the restore")
                return nil
            }
        }
        return Placed(logPath: logPath)
    }

    /// Fetches the blob of `file` into a new hidden temporary file in `folder`: cut past its
    /// declared size, hashed as it streams. The temporary's name, or nil (noted, removed) when it
    /// is not exactly the declared content.
    private func download(_ file: File, into folder: DirectoryHandle, for module: String, fetch: Fetch) -> String? {
        let temporary: (descriptor: Int32, name: String)
        do {
            temporary = try folder.createTemporary(for: file.name, hidden: true, mode: file.executable ? 0o755 : 0o644)
        } catch {
            note("cannot create a file in \(folder.path): \(error.reason)")
            return nil
        }
        let stream = hasher.stream()
        var received: Int64 = 0
        var tooLong = false
        var writeFailure: FileError?
        let fetched = fetch(file) { chunk in
            guard received + Int64(chunk.count) <= file.size else {
                tooLong = true
                return false
            }
            do throws(FileError) {
                try SystemCall.writeAll(temporary.descriptor, chunk, path: FileSystem.join(folder.path, temporary.name))
            } catch {
                writeFailure = error
                return false
            }
            stream.update(chunk)
            received += Int64(chunk.count)
            return true
        }
        close(temporary.descriptor)
        let blob = "cas/\(file.sha256) (\(file.path) of \(module))"
        var problem: String?
        var failed = false
        switch fetched {
        case .complete:
            if received != file.size || stream.finish() != file.sha256 {
                problem = "blob \(blob) does not match its SHA-256 and size; not used"
            }
        case .failed(let reason):
            failed = true
            problem = reason.map { "\($0) for \(blob)" }
        case .cut:
            if let writeFailure {
                problem = "cannot write \(writeFailure.path): \(writeFailure.reason)"
            } else {
                problem = tooLong ? "blob \(blob) is longer than its declared \(file.size) bytes; cut and not used"
                                  : "the transfer of \(blob) was cut"
            }
        }
        if failed || problem != nil {
            if let problem { note(problem) }
            try? folder.remove(temporary.name)
            return nil
        }
        return temporary.name
    }
}
