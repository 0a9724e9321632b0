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
struct InputScanner {
    let projectDirectory: String
    private(set) var rules = IgnoreRules()
    private var gitIgnoreFoldersRead: Set<String> = []
    /// false: every file counts (artifact folders such as npm's `dist/`, which the rules exclude as inputs).
    private let applyIgnoreRules: Bool

    init(projectDirectory: String, applyIgnoreRules: Bool = true) {
        self.projectDirectory = projectDirectory
        self.applyIgnoreRules = applyIgnoreRules
    }

    private func ignores(_ path: String, name: String, isFolder: Bool) -> Bool {
        applyIgnoreRules && rules.ignores(path, name: name, isFolder: isFolder)
    }

    /// The files under `paths` (relative to the project), sorted by path, each once.
    mutating func scan(_ paths: [String]) -> [ScannedFile] {
        var found: [ScannedFile] = []
        for raw in paths {
            guard let path = Self.normalise(raw) else { continue }
            readGitIgnores(upTo: path)
            let absolute = path.isEmpty ? projectDirectory : FileSystem.join(projectDirectory, path)
            var info = stat()
            guard stat(absolute, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(folder: path, into: &found)
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                let name = path.split(separator: "/").last.map(String.init) ?? path
                if !ignores(path, name: name, isFolder: false) { found.append(ScannedFile(path: path, identity: Self.identity(info))) }
            }
        }
        // Sorted by path, each once (sources and tests may overlap).
        found.sort { $0.path < $1.path }
        var unique: [ScannedFile] = []
        unique.reserveCapacity(found.count)
        for file in found where unique.last?.path != file.path { unique.append(file) }
        return unique
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

    private mutating func walk(folder: String, into found: inout [ScannedFile]) {
        readGitIgnore(in: folder)
        let absolute = folder.isEmpty ? projectDirectory : FileSystem.join(projectDirectory, folder)
        guard let directory = opendir(absolute) else { return }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        var subfolders: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let relative = folder.isEmpty ? name : folder + "/" + name
            let type = entry.pointee.d_type
            if type == UInt8(DT_DIR) {
                if !ignores(relative, name: name, isFolder: true) { subfolders.append(relative) }
                continue
            }
            var info = stat()
            // Follows a link to a file; a link to a folder is skipped below (not walked).
            guard fstatat(descriptor, name, &info, 0) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                if !ignores(relative, name: name, isFolder: false) { found.append(ScannedFile(path: relative, identity: Self.identity(info))) }
            case S_IFDIR where type == UInt8(DT_UNKNOWN):
                if !ignores(relative, name: name, isFolder: true) { subfolders.append(relative) }
            default:
                break
            }
        }
        for subfolder in subfolders { walk(folder: subfolder, into: &found) }
    }

    static func identity(_ info: stat) -> FileIdentity {
        FileIdentity(size: Int64(info.st_size),
                     modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                     inode: UInt64(info.st_ino),
                     changedNanoseconds: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }
}
