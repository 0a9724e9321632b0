import PlanBuildSupport

/// The one rule for every timeout a caller gives (`--timeout`, pb_execute's and pb_run's
/// `"timeout"`, a learned value): more than a year is a year, and zero or less is refused,
/// never taken as "no time at all". A year in milliseconds still fits every clock PlanBuild uses,
/// so no conversion can overflow into a deadline in the past.
public enum TimeoutLimits {
    /// 365 days.
    public static let maximumSeconds = 31_536_000

    /// `seconds` capped at a year; zero or negative is an `invalid_request` naming `what`.
    public static func checked(_ seconds: Int, _ what: String = "timeout") throws(PlanBuildError) -> Int {
        guard seconds > 0 else {
            throw PlanBuildError(.invalidRequest, "\(what) must be at least 1 second")
        }
        return min(seconds, maximumSeconds)
    }

    /// A timeout given as JSON number: whole numbers of any size (1e30 is a year), but not 2.5
    /// and not 1e400 (infinite: no number of seconds at all).
    public static func checked(_ value: JSONValue, _ what: String = "timeout") throws(PlanBuildError) -> Int {
        switch value {
        case .int(let seconds): return try checked(seconds, what)
        case .double(let seconds) where seconds.isFinite && seconds.rounded() == seconds:
            if seconds >= Double(maximumSeconds) { return maximumSeconds }
            if seconds < 1 { return try checked(0 as Int, what) }  // -1e30 has no Int: never convert it to one
            return try checked(Int(seconds), what)
        default:
            throw PlanBuildError(.invalidRequest, "\(what) must be a whole number of seconds")
        }
    }

    /// A timeout typed on a command line: digits of any length (a year at most), else nil.
    public static func parse(_ text: String) -> Int? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        guard let value = Int(digits) else { return negative ? -maximumSeconds : maximumSeconds + 1 }
        return negative ? -value : value
    }

    /// A capped timeout in milliseconds, for the clocks of process waits.
    public static func milliseconds(_ seconds: Int) -> Int {
        min(max(seconds, 0), maximumSeconds) * 1000
    }
}
