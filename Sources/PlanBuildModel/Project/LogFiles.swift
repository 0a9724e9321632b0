import PlanBuildSupport

/// Log files of builds: `.plan/temp/build-output/{scope}/{system}-{YYYY-MM-DD-HHMMSS}.log`.
public enum LogFiles {
    /// A log created for one build: its absolute path and, when asked for, a write descriptor
    /// (internal: file descriptors stay out of the core's public API).
    public struct Created {
        public let path: String
        package let descriptor: Int32
    }

    /// The scope as a single safe path component: nothing a caller passes can climb out of
    /// build-output (`../../etc` → `_.._etc`), and an absent or empty scope is `default`.
    public static func sanitizedScope(_ scope: String?) -> String {
        guard let scope else { return "default" }
        var cleaned = ""
        for scalar in scope.unicodeScalars.prefix(120) {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": cleaned.unicodeScalars.append(scalar)
            default: cleaned.unicodeScalars.append("_")
            }
        }
        // A leading dot would allow `.` and `..`; `:core` (Maven's artifact form) is just `core`.
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        while cleaned.hasPrefix("_") && cleaned.count > 1 && scope.hasPrefix(":") { cleaned.removeFirst() }
        return cleaned.isEmpty ? "default" : cleaned
    }

    /// UTC `YYYY-MM-DD-HHMMSS` (the Python TIMESTAMP_FORMAT `%Y-%m-%d-%H%M%S`).
    public static func timestamp(_ seconds: Int = Int(time(nil))) -> String {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        func two(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }

    /// Creates a new, empty log file that no other build shares: a second build in the same
    /// second gets `-2`, `-3`, … (O_EXCL decides, so concurrent processes cannot collide).
    package static func create(system: String, scope: String?, layout: ProjectLayout,
                       keepOpen: Bool) throws(FileError) -> Created {
        let safeSystem = sanitizedScope(system)
        let directory = FileSystem.join(FileSystem.absolute(layout.buildOutputDir), sanitizedScope(scope))
        try FileSystem.makeDirectories(directory)
        let stamp = timestamp()
        for attempt in 1...1000 {
            let name = attempt == 1 ? "\(safeSystem)-\(stamp).log" : "\(safeSystem)-\(stamp)-\(attempt).log"
            let path = FileSystem.join(directory, name)
            let descriptor = SystemCall.retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644) }
            if descriptor >= 0 {
                if keepOpen { return Created(path: path, descriptor: descriptor) }
                close(descriptor)
                return Created(path: path, descriptor: -1)
            }
            if errno != EEXIST { throw FileError(errno: errno, path: path) }
        }
        throw FileError(kind: .other, path: directory, reason: "no free log file name for \(stamp)")
    }

    /// A new, empty log file (closed) for a caller that writes it itself; its absolute path.
    /// `strictScope`: a scope that tries to leave the folder (absolute, or with a `..` part) is
    /// refused instead of being reduced to one safe component (today's generation refuses it).
    public static func createEmpty(system: String, scope: String?, layout: ProjectLayout, strictScope: Bool = false) throws(PlanBuildError) -> String {
        if strictScope, let scope, scope.hasPrefix("/") || scope.split(separator: "/").contains("..") {
            throw PlanBuildError(.logFileFailed, "the scope '\(OneLine.escape(scope))' leaves the build-results folder")
        }
        do {
            return try create(system: system, scope: scope, layout: layout, keepOpen: false).path
        } catch {
            throw PlanBuildError(.logFileFailed, "cannot create the log file: \(error)")
        }
    }
}
