import PlanBuildSupport
import PlanBuildModel

/// One parser per tool. A parser sees each line once, in order, and
/// keeps only what it needs, so a log of any size is read in bounded memory.
public protocol LogParser {
    init()
    /// One line of the log as LogReader hands it over: without its line break, ANSI escapes and CI
    /// prefixes; a `\r` is left in it only as its last byte (what came before a redraw is gone).
    mutating func consume(_ line: UnsafeBufferPointer<UInt8>)
    mutating func finish() -> ParseOutcome
}

/// Issues in first-seen order, each reported once however often the log repeats it.
struct IssueCollector {
    private(set) var issues: [Issue] = []
    private var seen: Set<IssueKey> = []
    /// The cap keeps memory bounded on a pathological log that is nothing but distinct errors.
    static let maximumIssues = 10_000

    struct IssueKey: Hashable {
        let file: String?
        let line: Int?
        let message: String
        let severity: Issue.Severity
    }

    static func key(_ issue: Issue) -> IssueKey {
        // Only the first line of a message identifies it: the same javac error is printed with
        // differently prefixed continuation lines in the two places Maven repeats it.
        // Found on the UTF-8 bytes: a String split here cost a third of a Python log's parse time.
        let message = issue.message
        let head = message.utf8.firstIndex(of: 0x0A).map { String(message[..<$0]) } ?? message
        return IssueKey(file: issue.file, line: issue.line, message: head, severity: issue.severity)
    }

    /// Adds the issue unless an equal one was seen; returns its index when it was added.
    @discardableResult
    mutating func add(_ issue: Issue) -> Int? {
        guard issues.count < Self.maximumIssues, seen.insert(Self.key(issue)).inserted else { return nil }
        issues.append(issue)
        return issues.count - 1
    }

    mutating func appendToMessage(at index: Int, _ text: String) {
        guard issues.indices.contains(index) else { return }
        issues[index].message += "\n" + text
    }

    /// Adds wrapped text to the first line of a message (a wrapped line is the same sentence).
    mutating func joinToMessage(at index: Int, _ text: String) {
        guard issues.indices.contains(index), issues[index].message.utf8.count < NpmText.maximumMessage else { return }
        issues[index].message += " " + text
    }

    mutating func setCategory(at index: Int, _ category: String) {
        guard issues.indices.contains(index) else { return }
        issues[index].category = category
    }

    func contains(where predicate: (Issue) -> Bool) -> Bool { issues.contains(where: predicate) }

    /// The issues once each by their final first lines: a message whose first line was still
    /// growing when it was added (mypy `--pretty` wraps it) may equal one added whole before it.
    var issuesOncePerFinalKey: [Issue] {
        var seen: Set<IssueKey> = []
        return issues.filter { seen.insert(Self.key($0)).inserted }
    }
}

/// The parsers by the names `pb_parse` and the Python modules use.
public enum ParserRegistry {
    /// One parser per build system, named like it.
    public static let names = BuildSystem.allCases.map(\.rawValue)

    /// The parser the log needs (BuildSystemGuess), or an error naming the systems to choose from.
    public static func guessedParser(logFile path: String) throws(PlanBuildError) -> String {
        guard let name = try BuildSystemGuess.guess(logFile: path) else {
            throw PlanBuildError(.invalidRequest,
                                 "cannot tell which build system wrote \(path); name it with --system (\(names.joined(separator: ", ")))")
        }
        return name
    }

    public static func parse(logFile path: String, parser name: String) throws(PlanBuildError) -> ParseOutcome {
        do {
            switch name.lowercased() {
            case "maven": return try run(MavenLogParser.self, path)
            case "gradle": return try run(GradleLogParser.self, path)
            case "npm": return try run(NpmLogParser.self, path)
            case "python": return try run(PythonLogParser.self, path)
            default:
                throw PlanBuildError(.invalidRequest, "unknown parser '\(name)'; known: \(names.joined(separator: ", "))")
            }
        } catch let error as PlanBuildError {
            throw error
        } catch {
            throw PlanBuildError(.unreadable, "\(error)")
        }
    }

    public static func run<P: LogParser>(_ type: P.Type, _ path: String) throws -> ParseOutcome {
        var parser = P()
        try LogReader.forEachLine(ofFile: path) { parser.consume($0) }
        return parser.finish()
    }

    public static func run<P: LogParser>(_ type: P.Type, text: String) throws -> ParseOutcome {
        var parser = P()
        try LogReader.forEachLine(ofText: text) { parser.consume($0) }
        return parser.finish()
    }
}
