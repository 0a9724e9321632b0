import PlanBuildSupport
import PlanBuildModel
import PlanBuildParsing
import PlanBuildConfiguration

/// A log as text, the way the parsers see it: line by line through LogReader, so ANSI escape
/// sequences, CI prefixes and `\r` redraws are gone (`_build_parse.strip_ansi`, `read_log_text`).
public enum LogText {
    /// The most a caller gets back: a log is read in bounded memory, its text is not.
    public static let maximumBytes = 64 << 20

    public static func read(_ path: String) throws(PlanBuildError) -> String {
        var text = ""
        do {
            try LogReader.forEachLine(ofFile: path) { line in
                guard text.utf8.count < maximumBytes else { return }
                text += String(decoding: line, as: UTF8.self)
                text += "\n"
            }
        } catch let error as PlanBuildError {
            throw error
        } catch {
            throw PlanBuildError(.unreadable, "\(error)")
        }
        return text
    }

    /// Whether the text holds pytest's report: its counts, a failure or an error of a test.
    public static func showsPytest(_ text: String) -> Bool {
        guard let outcome = try? ParserRegistry.run(PythonLogParser.self, text: text) else { return false }
        return outcome.tests != nil || outcome.issues.contains {
            $0.category == IssueCategory.testFailure || $0.category == IssueCategory.testCollectionError
        }
    }

    public static func clean(_ text: String) -> String {
        var lines: [String] = []
        try? LogReader.forEachLine(ofText: text) { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines.joined(separator: "\n") + (text.hasSuffix("\n") ? "\n" : "")
    }
}

/// The outer bound a caller puts around a build it gives `timeout` seconds (the Bash tool's own
/// timeout): a margin over the build's so the build's timeout always fires first and reports.
public enum ScriptTimeouts {
    public static let outerMarginSeconds = 30

    public static func outer(_ timeout: Int) -> Int { min(timeout, TimeoutLimits.maximumSeconds) + outerMarginSeconds }
}
