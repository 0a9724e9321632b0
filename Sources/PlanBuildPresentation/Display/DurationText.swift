/// How the live display writes a duration: `4.2s` under a minute, `2m 05s` under an
/// hour, `1h 02m 03s` above — short enough for a status line, precise where precision is visible.
public enum DurationText {
    public static func format(seconds: Double) -> String {
        let value = seconds.isFinite ? max(0, seconds) : 0
        // Rounded to a tenth first, so 59.96 s reads "1m 00s" rather than "60.0s".
        let tenths = (value * 10).rounded()
        if tenths < 600 {
            let whole = Int(tenths) / 10
            return "\(whole).\(Int(tenths) % 10)s"
        }
        let total = Int(value.rounded())
        let hours = total / 3600, minutes = total % 3600 / 60, rest = total % 60
        if hours > 0 { return "\(hours)h \(twoDigits(minutes))m \(twoDigits(rest))s" }
        return "\(minutes)m \(twoDigits(rest))s"
    }

    /// `ETA 2m 05s`, or `ETA unknown` when nothing can be estimated (no learned durations and no
    /// finished build yet) — never a made-up number.
    static func eta(_ seconds: Double?) -> String {
        guard let seconds else { return "ETA unknown" }
        return "ETA " + format(seconds: seconds.rounded())
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
