/// Reads Gradle console output and plain javac/kotlinc diagnostics.
/// (First version: build status and javac `path:line: error:` lines; see issue 3 for the full parser.)
public struct GradleLogParser: LogParser {
    private var collector = IssueCollector()
    private var sawSuccess = false
    private var sawFailure = false

    public init() {}

    public mutating func consume(_ raw: UnsafeBufferPointer<UInt8>) {
        if raw.contains("BUILD SUCCESSFUL") { sawSuccess = true; return }
        if raw.contains("BUILD FAILED") { sawFailure = true; return }
        guard raw.contains(": error: ") || raw.contains(": warning: ") else { return }
        let line = raw.text
        let isError = line.contains(": error: ")
        guard let marker = line.firstRange(of: isError ? ": error: " : ": warning: ") else { return }
        let location = line[..<marker.lowerBound]
        guard let colon = location.lastIndex(of: ":"), let number = Int(location[location.index(after: colon)...]) else { return }
        collector.add(Issue(file: String(location[..<colon]), line: number, message: String(line[marker.upperBound...]),
                            severity: isError ? .error : .warning,
                            category: isError ? IssueCategory.compilationError : IssueCategory.other))
    }

    public mutating func finish() -> ParseOutcome {
        let failed = sawFailure || (!sawSuccess && collector.contains { $0.severity == .error })
        return ParseOutcome(issues: collector.issues, tests: nil, buildStatus: failed ? .failure : .success)
    }
}
