import PlanBuildSupport
import PlanBuildCache

/// An action's input root as REAPI names it: a Merkle tree of `Directory` messages, each folder's
/// files, subfolders and symlinks sorted by name (UTF-8 bytes), every folder named by the SHA-256
/// of its encoding, the root's digest naming the whole tree. The same files give the same digest
/// on any machine, so an action already run is found in the ActionCache.
package struct ActionInputTree: Sendable {
    /// One file of the tree: its path relative to the root, its content's digest, its executable bit.
    package struct File: Equatable, Sendable {
        package let path: String
        package let digest: Digest
        package let isExecutable: Bool

        package init(path: String, digest: Digest, isExecutable: Bool = false) {
            self.path = path
            self.digest = digest
            self.isExecutable = isExecutable
        }
    }

    package struct Problem: Error, Equatable, CustomStringConvertible {
        package let description: String
    }

    /// The root `Directory`'s digest.
    package let digest: Digest
    /// Every folder's encoded `Directory`, by its digest (the root's included).
    package let directories: [Digest: [UInt8]]
    /// A path (relative to the root) holding each file content, by its digest.
    package let files: [Digest: String]

    /// A folder while the tree is built.
    private final class Folder {
        var files: [String: FileNode] = [:]
        var folders: [String: Folder] = [:]
    }

    /// Refuses a path that is not a plain relative one (empty, `.`, `..`, absolute) or that is
    /// both a file and a folder.
    package init(files: [File], hasher: ContentHasher) throws(Problem) {
        let root = Folder()
        var contents: [Digest: String] = [:]
        for file in files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard !file.path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                throw Problem(description: "\(file.path) is not a relative path inside the project")
            }
            var folder = root
            for name in parts.dropLast() {
                guard folder.files[name] == nil else { throw Problem(description: "\(file.path) is below a file") }
                if let known = folder.folders[name] {
                    folder = known
                } else {
                    let made = Folder()
                    folder.folders[name] = made
                    folder = made
                }
            }
            let name = parts[parts.count - 1]
            guard folder.folders[name] == nil else { throw Problem(description: "\(file.path) is a file and a folder") }
            folder.files[name] = FileNode(name: name, digest: file.digest, isExecutable: file.isExecutable)
            if contents[file.digest] == nil { contents[file.digest] = file.path }
        }
        var directories: [Digest: [UInt8]] = [:]
        func encode(_ folder: Folder) -> Digest {
            let subfolders = Self.sortedNames(folder.folders.keys).map { DirectoryNode(name: $0, digest: encode(folder.folders[$0]!)) }
            let nodes = Self.sortedNames(folder.files.keys).map { folder.files[$0]! }
            let bytes = Directory(files: nodes, directories: subfolders).encoded()
            let digest = Digest(hash: hasher.hexDigest(ofBytes: bytes), sizeBytes: Int64(bytes.count))
            directories[digest] = bytes
            return digest
        }
        self.digest = encode(root)
        self.directories = directories
        self.files = contents
    }

    /// Names in the order REAPI requires: by their UTF-8 bytes.
    private static func sortedNames(_ names: Dictionary<String, some Any>.Keys) -> [String] {
        names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }
}
