import PlanBuildSupport

/// The one live line `planbuild run` shows on a terminal while its build runs:
/// `▸ maven verify -pl core  12.3s  log .plan/temp/build-output/core/maven-2026-….log`.
/// Narrower: the log's folders left out, then the command; the elapsed time always stays.
public enum SingleRunLine {
    public static func line(command: String, elapsed: Double, logFile: String?) -> StyledLine {
        let time = DurationText.format(seconds: elapsed)
        func line(command: String?, log: String?) -> StyledLine {
            var line = StyledLine("▸ ", .cyan)
            if let command { line.append(OneLine.escape(command) + "  ", .bold) }
            line.append(time)
            if let log { line.append("  log " + OneLine.escape(log), .dim) }
            return line
        }
        let name = logFile.map { "…/" + FileSystem.baseName($0) }
        var full = line(command: command, log: logFile)
        full.narrower = [line(command: command, log: name), line(command: nil, log: name), line(command: nil, log: nil)]
        return full
    }
}
