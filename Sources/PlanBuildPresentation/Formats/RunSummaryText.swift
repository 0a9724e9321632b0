import PlanBuildSupport
import PlanBuildModel
import PlanBuildOrchestration

/// The short summary a person reads at the end of a run on a terminal, instead of the machine
/// report (which goes to standard output when that is no terminal, or `--format` is asked for):
///
///     Builds  2 successful, 1 failed, 1 cached, 4 total · saved 12s · Time 20.2s
///     Tests   12 passed, 1 failed (13 total)
///     ✖ service  error: 1 error
///         …/Greeting.java:18: cannot find symbol
///     Logs    .plan/temp/build-output/
///
/// Every value escaped by `OneLine`; paths as they are, so a terminal can open them.
extension RunReport {
    /// At most this many errors of each failed build.
    public static let summaryErrorsPerBuild = 3

    /// `logFolder`: where the logs are, as the person should read it (shown once).
    public func summary(logFolder: String?) -> [StyledLine] {
        var lines: [StyledLine] = []
        var counts: [String] = []
        func add(_ count: Int, _ word: String) { if count > 0 { counts.append("\(count) \(word)") } }
        add(count(.success), "successful")
        add(builds.filter(\.failed).count, "failed")
        add(count(.cached), "cached")
        add(count(.skipped), "skipped")
        add(count(.cancelled), "cancelled")
        counts.append("\(builds.count) total")
        var first = StyledLine("Builds  ", .bold)
        first.append(counts.joined(separator: ", "), status == .success ? .green : .red)
        if timeSavedSeconds > 0 { first.append(" · saved \(DurationText.format(seconds: Double(timeSavedSeconds)))") }
        first.append(" · Time \(DurationText.format(milliseconds: durationMilliseconds))")
        lines.append(first)

        if let total = testTotals {
            var text = "\(total.passed) passed"
            if total.failed > 0 { text += ", \(total.failed) failed" }
            if total.skipped > 0 { text += ", \(total.skipped) skipped" }
            var line = StyledLine("Tests   ", .bold)
            line.append(text + " (\(total.total) total)", total.failed > 0 ? .red : nil)
            lines.append(line)
        }

        for build in builds where build.failed {
            let (icon, style) = LiveRunState.icon(build.status)
            var line = StyledLine(icon + " ", style)
            line.append(OneLine.escape(build.module), .bold)
            var what = build.status == .timeout ? "timed out" : build.status.rawValue
            if !build.errors.isEmpty { what += ": " + LiveRunState.counted(build.errors.count, "error") }
            if let limit = build.timeoutUsedSeconds, build.status == .timeout { what += " (" + ProgressEvent.timeoutNote(limit) + ")" }
            line.append("  " + what, style)
            lines.append(line)
            for issue in build.errors.prefix(Self.summaryErrorsPerBuild) {
                let place = issue.file.map { $0 + (issue.line.map { ":\($0)" } ?? "") + ": " } ?? ""
                var error = StyledLine("    " + OneLine.escape(place + issue.message), .red)
                error.narrower = [StyledLine("    " + OneLine.escape(LiveRunState.shortenedPath(place + issue.message)), .red)]
                lines.append(error)
            }
            if build.errors.isEmpty, let reason = build.reason ?? build.exitCode.map({ "exit code \($0)" }) {
                lines.append(StyledLine("    " + OneLine.escape(reason), .red))
            }
        }
        if let logFolder { lines.append(StyledLine("Logs    ", .bold)); lines[lines.count - 1].append(OneLine.escape(logFolder)) }
        return lines
    }

    /// The folder holding this run's logs, relative to `directory` when it lies below it: the
    /// build-output folder above the modules' log folders.
    public func logFolder(relativeTo directory: String) -> String? {
        guard let log = builds.lazy.compactMap(\.logFile).first(where: { !$0.isEmpty }) else { return nil }
        let folder = FileSystem.directoryName(FileSystem.directoryName(FileSystem.absolute(log)))
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return (folder.hasPrefix(base) ? String(folder.dropFirst(base.count)) : folder) + "/"
    }
}
