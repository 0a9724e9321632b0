/// A depth-first listing of the regular files under a folder, for searches over source trees.
/// Symbolic links to folders are not followed, so a link cycle cannot make the walk endless.
public enum FileTree {
    /// Paths of the regular files below `root`, relative to it ("a/b/C.java"), sorted so a search
    /// reports in the same order on every machine. `skip` names folders never entered.
    public static func files(under root: String, skipping skip: Set<String> = []) -> [String] {
        var found: [String] = []
        var pending: [String] = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : FileSystem.join(root, relative)
            for name in FileSystem.listDirectory(folder) {
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(FileSystem.join(root, child), &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR where !skip.contains(name): pending.append(child)
                case S_IFREG: found.append(child)
                case S_IFLNK where FileSystem.isRegularFile(FileSystem.join(root, child)): found.append(child)
                default: break
                }
            }
        }
        // By path components, as Python sorts paths: "a/x" before "a-b/x".
        return found.sorted { $0.split(separator: "/").lexicographicallyPrecedes($1.split(separator: "/")) }
    }
}
