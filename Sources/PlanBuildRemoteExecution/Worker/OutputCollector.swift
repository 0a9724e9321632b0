import PlanBuildSupport

/// An action's outputs as an ActionResult names them, and the blobs to upload for them.
package struct CollectedOutputs {
    /// Where a blob's bytes are: in memory (a Tree, a Directory) or a file, by its path relative
    /// to the working directory.
    package enum Content {
        case bytes([UInt8])
        case file(String)
    }

    package var files: [OutputFile] = []
    package var directories: [OutputDirectory] = []
    package var blobs: [Digest: Content] = [:]
    /// Outputs left out, and why (written into the action's log).
    package var notes: [String] = []
}

/// Collects the outputs an action's command declares, below its working directory: a regular
/// file becomes an OutputFile, a folder a Tree of Directory messages (its links kept as links,
/// never followed), a missing output is simply absent. A declared path that would leave the
/// working directory, or that passes through a link, is left out with a note.
package struct OutputCollector {
    let digests: BlobDigests
    var maximumEntries = 1_000_000
    var maximumDepth = 256

    package init(digests: BlobDigests) { self.digests = digests }

    /// The declared outputs: REAPI 2.1's `output_paths`, else 2.0's `output_files` and
    /// `output_directories` (either kind may be found at either).
    package static func declaredPaths(_ command: Command) -> [String] {
        let paths = command.outputPaths.isEmpty ? command.outputFiles + command.outputDirectories : command.outputPaths
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }

    package func collect(_ paths: [String], in workingFolder: DirectoryHandle) -> CollectedOutputs {
        var collected = CollectedOutputs()
        var entries = 0
        var seen: Set<String> = []
        for path in paths {
            guard let parts = DirectoryHandle.components(path) else {
                collected.notes.append("output '\(OneLine.escape(path))' is not a relative path below the working directory; left out")
                continue
            }
            let normal = parts.joined(separator: "/")
            guard seen.insert(normal).inserted else { continue }
            let parent: DirectoryHandle
            do {
                parent = parts.count == 1 ? workingFolder : try workingFolder.folder(parts.dropLast().joined(separator: "/"))
            } catch {
                if error.kind != .notFound { collected.notes.append("output \(normal): \(error); left out") }
                continue
            }
            let name = parts[parts.count - 1]
            guard let info = parent.status(name) else { continue }
            do {
                switch info.st_mode & S_IFMT {
                case S_IFREG:
                    let file = try fileNode(name, in: parent, path: normal)
                    collected.files.append(OutputFile(path: normal, digest: file.digest, isExecutable: file.isExecutable))
                    collected.blobs[file.digest] = .file(normal)
                    entries += 1
                case S_IFDIR:
                    var tree = Tree()
                    var children: [Digest: Directory] = [:]
                    tree.root = try directory(try parent.folder(name), path: normal, depth: 0, entries: &entries,
                                              children: &children, collected: &collected)
                    tree.children = children.keys.sorted { $0.hash < $1.hash }.compactMap { children[$0] }
                    let encoded = digests.digest(of: tree)
                    collected.blobs[encoded.digest] = .bytes(encoded.bytes)
                    collected.directories.append(OutputDirectory(path: normal, treeDigest: encoded.digest))
                default:
                    collected.notes.append("output \(normal) is not a regular file or a folder (a link, a FIFO …); left out")
                }
            } catch let problem as OutputProblem {
                collected.notes.append("output \(normal): \(problem.message); left out")
            } catch {
                collected.notes.append("output \(normal): \(error); left out")
            }
        }
        return collected
    }

    private struct OutputProblem: Error { let message: String }

    private func fileNode(_ name: String, in folder: DirectoryHandle, path: String) throws -> FileNode {
        let descriptor = try folder.openFile(name, flags: O_RDONLY)
        defer { close(descriptor) }
        var info = stat()
        fstat(descriptor, &info)
        let digest = try digests.digest(ofFile: descriptor, path: path)
        return FileNode(name: name, digest: digest, isExecutable: info.st_mode & 0o100 != 0)
    }

    /// The Directory of `folder`, its subfolders' Directories added to `children` (each once) and
    /// every blob to `collected`.
    private func directory(_ folder: DirectoryHandle, path: String, depth: Int, entries: inout Int,
                           children: inout [Digest: Directory], collected: inout CollectedOutputs) throws -> Directory {
        guard depth < maximumDepth else { throw OutputProblem(message: "folders nested deeper than \(maximumDepth)") }
        var directory = Directory()
        for name in folder.entries() {
            entries += 1
            guard entries <= maximumEntries else { throw OutputProblem(message: "more than \(maximumEntries) entries") }
            guard let info = folder.status(name) else { continue }
            let child = path + "/" + name
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                let file = try fileNode(name, in: folder, path: child)
                directory.files.append(file)
                collected.blobs[file.digest] = .file(child)
            case S_IFDIR:
                let sub = try self.directory(try folder.folder(name), path: child, depth: depth + 1, entries: &entries,
                                             children: &children, collected: &collected)
                let encoded = digests.digest(of: sub)
                children[encoded.digest] = sub
                directory.directories.append(DirectoryNode(name: name, digest: encoded.digest))
            case S_IFLNK:
                directory.symlinks.append(SymlinkNode(name: name, target: try folder.linkTarget(name)))
            default:
                collected.notes.append("output \(child) is a FIFO, socket or device; left out")
            }
        }
        // Sorted by name as code points, as REAPI requires: equal folders get equal digests.
        func before(_ left: String, _ right: String) -> Bool { left.utf8.lexicographicallyPrecedes(right.utf8) }
        directory.files.sort { before($0.name, $1.name) }
        directory.directories.sort { before($0.name, $1.name) }
        directory.symlinks.sort { before($0.name, $1.name) }
        return directory
    }
}
