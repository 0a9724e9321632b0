/// Reads logs of the npm family: tsc, ESLint, Jest, node's TAP runner and npm's own errors,
/// wherever each appears in one log. (First version: npm's own error lines; see issue 3.)
public struct NpmLogParser: LogParser {
    private var collector = IssueCollector()

    public init() {}

    public mutating func consume(_ raw: UnsafeBufferPointer<UInt8>) {
        guard raw.hasPrefix("npm error ") || raw.hasPrefix("npm ERR! ") else { return }
        let message = String(raw.text.dropFirst(raw.hasPrefix("npm error ") ? 10 : 9))
        if message.hasPrefix("A complete log of this run") { return }
        collector.add(Issue(file: nil, line: nil, message: message, severity: .error, category: IssueCategory.buildError))
    }

    public mutating func finish() -> ParseOutcome {
        ParseOutcome(issues: collector.issues, tests: nil,
                     buildStatus: collector.contains { $0.severity == .error } ? .failure : .success)
    }
}
