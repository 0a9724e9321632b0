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

extension ProcessEnvironment {
    /// `base` (default: this process's environment) with `overrides` set on top, in first-seen order.
    public static func overlaid(_ overrides: [(name: String, value: String)], on base: [String]? = nil) -> [String] {
        var merged: [String: String] = [:]
        var order: [String] = []
        for entry in base ?? current() {
            let name = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            if merged[name] == nil { order.append(name) }
            merged[name] = entry
        }
        for (name, value) in overrides {
            if merged[name] == nil { order.append(name) }
            merged[name] = "\(name)=\(value)"
        }
        return order.compactMap { merged[$0] }
    }
}
