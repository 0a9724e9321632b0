import PlanBuildSupport

/// The hash a manifest entry records for one scanned input: the SHA-256 of a file's content (of
/// a text naming it executable with that hash, for a file with the executable bit: git records
/// the bit, so setting or clearing it is a change); for a symbolic link, the SHA-256 of a text
/// naming it a link with its target as written (so a retargeted link is a change, and a link is
/// never taken for a file of the same content), and, for a link to a file, the content's hash too.
enum InputHash {
    /// nil when the input vanished or cannot be read (it is then left out of the manifest).
    static func hexDigest(of input: ScannedFile, projectDirectory: String, hasher: ContentHasher) -> String? {
        let path = FileSystem.join(projectDirectory, input.path)
        switch input.kind {
        case .file:
            return try? hasher.hexDigest(ofFile: path)
        case .executableFile:
            guard let content = try? hasher.hexDigest(ofFile: path) else { return nil }
            return hasher.hexDigest(of: "executable\u{0}\(content)")
        case .symlink:
            guard let target = FileSystem.symbolicLinkTarget(path) else { return nil }
            return hasher.hexDigest(of: "symlink\u{0}\(target)")
        case .symlinkToFile:
            guard let target = FileSystem.symbolicLinkTarget(path), let content = try? hasher.hexDigest(ofFile: path) else { return nil }
            return hasher.hexDigest(of: "symlink\u{0}\(target)\u{0}\(content)")
        }
    }
}
