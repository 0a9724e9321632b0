// Messages of the protobuf package `build.bazel.remote.execution.v2` (REAPI): file trees —
// Directory and its nodes, Tree.

/// One folder of a Merkle tree: its files, subfolders and symlinks, each sorted by name.
package struct Directory: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.Directory"
    package var files: [FileNode] = []
    package var directories: [DirectoryNode] = []
    package var symlinks: [SymlinkNode] = []

    package init() {}

    package init(files: [FileNode] = [], directories: [DirectoryNode] = [], symlinks: [SymlinkNode] = []) {
        self.files = files
        self.directories = directories
        self.symlinks = symlinks
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: files.append(try reader.message())
            case 2: directories.append(try reader.message())
            case 3: symlinks.append(try reader.message())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messages(1, files)
        writer.messages(2, directories)
        writer.messages(3, symlinks)
    }
}

package struct FileNode: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.FileNode"
    package var name = ""
    package var digest = Digest()
    package var isExecutable = false

    package init() {}

    package init(name: String, digest: Digest, isExecutable: Bool = false) {
        self.name = name
        self.digest = digest
        self.isExecutable = isExecutable
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: name = try reader.string()
            case 2: digest = try reader.message()
            case 4: isExecutable = try reader.bool()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
        writer.messageUnlessEmpty(2, digest)
        writer.bool(4, isExecutable)
    }
}

package struct DirectoryNode: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.DirectoryNode"
    package var name = ""
    /// The digest of the encoded `Directory`.
    package var digest = Digest()

    package init() {}

    package init(name: String, digest: Digest) {
        self.name = name
        self.digest = digest
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: name = try reader.string()
            case 2: digest = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
        writer.messageUnlessEmpty(2, digest)
    }
}

package struct SymlinkNode: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.SymlinkNode"
    package var name = ""
    package var target = ""

    package init() {}

    package init(name: String, target: String) {
        self.name = name
        self.target = target
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: name = try reader.string()
            case 2: target = try reader.string()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
        writer.string(2, target)
    }
}

/// A whole output folder in one message: its root and every folder below it.
package struct Tree: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.Tree"
    package var root = Directory()
    package var children: [Directory] = []

    package init() {}

    package init(root: Directory, children: [Directory] = []) {
        self.root = root
        self.children = children
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: root = try reader.message()
            case 2: children.append(try reader.message())
            default: break
            }
        }
    }

    /// The root is always written, even empty: an empty output folder is still a folder.
    package func encode(to writer: inout ProtoWriter) {
        writer.message(1, root)
        writer.messages(2, children)
    }
}
