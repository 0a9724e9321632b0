/// Paths relative to a project, as derived-data.json and the build cache name them.
public enum ProjectRelativePath {
    /// `path` without `./`, trailing `/` and `.` parts ("" for the project's root); nil when it
    /// leaves the project (`..`, absolute).
    public static func normalise(_ path: String) -> String? {
        if path.hasPrefix("/") { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { return nil }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }
}
