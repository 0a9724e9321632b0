#if canImport(Glibc)
import Glibc
#endif

/// The process environment as `NAME=value` entries.
public enum ProcessEnvironment {
    public static func current() -> [String] {
        var entries: [String] = []
        guard let start = Optional(environ) else { return entries }
        var cursor = start
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        return entries
    }
}
