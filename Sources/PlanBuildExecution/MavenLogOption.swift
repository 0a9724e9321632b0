import PlanBuildSupport
import PlanBuildModel

/// Maven writes its own log with `-l FILE` (the wrapper scripts of plan-marshall's projects and
/// their test doubles expect it). PlanBuild hands Maven a file beside the build's log and appends
/// it to the log once Maven has ended, so the output PlanBuild captured itself (a wrapper's
/// download notes, a JVM's messages before Maven starts) is kept, in order, and nothing is
/// written twice at one offset.
struct MavenLogOption {
    /// Where Maven writes; appended to the build's log and removed afterwards.
    let path: String

    /// The option for a Maven build whose arguments name no log file of their own; nil otherwise.
    static func forBuild(system: BuildSystem, words: [String], logPath: String) -> MavenLogOption? {
        guard system == .maven,
              !words.contains(where: { $0 == "-l" || $0 == "--log-file" || $0.hasPrefix("--log-file=") }) else { return nil }
        return MavenLogOption(path: logPath + ".maven")
    }

    var arguments: [String] { ["-l", path] }

    /// Appends what Maven wrote to `log` and removes the file; a file Maven never created is no loss.
    func merge(into log: String) {
        defer { unlink(path) }
        let source = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard source >= 0 else { return }
        defer { close(source) }
        let target = open(log, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        guard target >= 0 else { return }
        defer { close(target) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(target, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
