import ArgumentParser
import PlanBuildModel

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Print the command line of a canonical command for a module.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "Canonical command: verify, module-tests, quality-gate, …") var command: String
    @Option(help: "Module name (default: the root module).") var module: String?

    func run() throws {
        do {
            let resolved = try CommandResolver.resolve(command: command, module: module, in: project.layout)
            print(resolved.text, terminator: "")
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}
