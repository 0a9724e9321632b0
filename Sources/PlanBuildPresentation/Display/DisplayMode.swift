/// How `planbuild orchestrate` shows progress on standard error, decided from the
/// terminal and the environment:
/// - `plain`: one line per event and a heartbeat, no escape code at all — standard error is not a
///   terminal, or `CI` is set (CI logs keep every byte), or `TERM=dumb` (no cursor movement);
/// - `compact`: a terminal with `NO_COLOR`: one status line rewritten with a carriage return, so
///   it ticks without any escape code;
/// - `live`: a block at the bottom redrawn in place, in colour.
public enum DisplayMode: Equatable, Sendable {
    case plain, compact, live

    public static func choose(terminal: Bool, environment: [String: String]) -> DisplayMode {
        guard terminal else { return .plain }
        if let ci = environment["CI"], !["", "0", "false", "no"].contains(ci.lowercased()) { return .plain }
        if environment["TERM"] == "dumb" { return .plain }
        // no-color.org: present and not empty.
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .compact }
        return .live
    }

    /// Seconds between heartbeat lines in plain mode: CI systems end jobs silent for minutes.
    public static let heartbeatSeconds: Double = 30

    /// The environment variable that sets another heartbeat interval, so that a test sees a
    /// heartbeat without waiting half a minute.
    public static let heartbeatVariable = "PLANBUILD_HEARTBEAT_SECONDS"

    /// The heartbeat interval in seconds: `PLANBUILD_HEARTBEAT_SECONDS` when it is a whole number
    /// from 1 (the plain display looks once a second) to 3600, else `heartbeatSeconds`, with the
    /// reason its value was not taken (nil when it was, or when it is not set).
    public static func heartbeatInterval(environment: [String: String]) -> (seconds: Double, ignored: String?) {
        guard let text = environment[heartbeatVariable] else { return (heartbeatSeconds, nil) }
        if text.utf8.count <= 4, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
           let seconds = Int(text), (1...3600).contains(seconds) {
            return (Double(seconds), nil)
        }
        return (heartbeatSeconds, "\(heartbeatVariable) ignored: a whole number of seconds "
            + "from 1 to 3600 expected; a heartbeat every \(Int(heartbeatSeconds)) s")
    }
}
