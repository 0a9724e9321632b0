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
    /// The value of `name` in `environment` (`NAME=value` entries); nil environment: this process's.
    package static func value(_ name: String, in environment: [String]?) -> String? {
        guard let environment else { return FileSystem.environment(name) }
        let prefix = name + "="
        return environment.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

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

extension ProcessEnvironment {
    /// `NAME=value` words as one text (`--env "CI=true NODE_OPTIONS='--max-old-space-size=4096'"`),
    /// split like a build's arguments, so quoting works the same in both.
    public static func assignments(_ text: String) throws(PlanBuildError) -> [(name: String, value: String)] {
        let words: [String]
        do {
            words = try ShellWords.split(text)
        } catch {
            throw PlanBuildError(.invalidRequest, "\"env\": \(error)")
        }
        var variables: [(name: String, value: String)] = []
        for word in words {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !word.utf8.contains(0) else {
                throw PlanBuildError(.invalidRequest, "\"env\": '\(word)' is not NAME=value")
            }
            variables.append((String(parts[0]), String(parts[1])))
        }
        return variables
    }
}
