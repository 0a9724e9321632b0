import ArgumentParser
import PlanBuildModel

extension ModuleGraph.Format: ExpressibleByArgument {}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the internal module graph as PlanBuild understands derived-data.json's dependencies.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "toon, json or dot") var format: ModuleGraph.Format = .toon

    func run() throws {
        do {
            let graph = ModuleGraph(try ProjectArchitecture.load(project.layout))
            print(graph.text(format))
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}
