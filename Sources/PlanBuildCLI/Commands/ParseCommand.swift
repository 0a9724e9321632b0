import ArgumentParser
import PlanBuildSupport
import PlanBuildParsing

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Read a build log into issues, test counts and the build status (JSON).")

    @Option(help: "Parser: \(ParserRegistry.names.joined(separator: ", "))") var system: String
    @Flag(help: "Print only a one-line summary (counts), not every issue.") var summary = false
    @Argument(help: "The log file.") var logFile: String

    func run() throws {
        do {
            let outcome = try ParserRegistry.parse(logFile: logFile, parser: system)
            if summary {
                let tests = outcome.tests.map { "tests \($0.passed)/\($0.failed)/\($0.skipped)" } ?? "tests -"
                print("\(outcome.buildStatus?.rawValue ?? "UNKNOWN") errors \(outcome.errors.count) warnings \(outcome.warnings.count) \(tests)")
            } else {
                print(JSONWriter.write(outcome.json, indent: 2))
            }
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}
