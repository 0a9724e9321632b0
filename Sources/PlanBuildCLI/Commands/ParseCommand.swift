import ArgumentParser
import PlanBuildSupport
import PlanBuildParsing

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Read a build log into issues, test counts and the build status (JSON).")

    @Option(help: "Parser: \(ParserRegistry.names.joined(separator: ", ")) (default: guessed from the log).") var system: String?
    @Flag(help: "Print only a one-line summary (counts), not every issue.") var summary = false
    @Argument(help: "The log file.") var logFile: String

    func run() throws {
        do {
            let parser: String
            if let system {
                parser = system
            } else {
                parser = try ParserRegistry.guessedParser(logFile: logFile)
                printError("parse: read as a \(parser) log (guessed from its lines; --system names the parser)")
            }
            let outcome = try ParserRegistry.parse(logFile: logFile, parser: parser)
            if summary {
                let tests = outcome.tests.map { "tests \($0.passed)/\($0.failed)/\($0.skipped)" } ?? "tests -"
                print("\(outcome.buildStatus?.rawValue ?? "UNKNOWN") errors \(outcome.errors.count) warnings \(outcome.warnings.count) \(tests)")
            } else {
                print(JSONWriter.write(outcome.json, indent: 2))
            }
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}
