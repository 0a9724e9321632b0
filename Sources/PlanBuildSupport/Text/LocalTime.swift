/// Seconds since the epoch as a person reads them: the local time in ISO 8601 with its offset
/// (`2026-12-05T19:30:12+01:00`). Machine outputs (JSON) keep the number.
public enum LocalTime {
    public static func iso8601(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        guard localtime_r(&value, &parts) != nil else { return String(seconds) }
        func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        let offset = parts.tm_gmtoff / 60
        let zone = "\(offset < 0 ? "-" : "+")\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
        return "\(Int(parts.tm_year) + 1900)-\(two(Int(parts.tm_mon) + 1))-\(two(Int(parts.tm_mday)))"
            + "T\(two(Int(parts.tm_hour))):\(two(Int(parts.tm_min))):\(two(Int(parts.tm_sec)))\(zone)"
    }
}
