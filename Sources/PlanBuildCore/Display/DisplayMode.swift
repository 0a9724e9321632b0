/// How `planbuild orchestrate` shows progress on standard error (issue 11), decided from the
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
}
