import ArgumentParser
import PlanBuildSupport
import PlanBuildCache
import PlanBuildPresentation

extension CacheQuery.Action: ExpressibleByArgument {}

/// `planbuild cache stats|list|clear|explain`: the build cache under .plan/build-cache/.
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect or clear the build cache (.plan/build-cache/), or explain why a build would run.")

    @OptionGroup var project: ProjectOptions
    @Argument(help: "\(CacheQuery.Action.allCases.map(\.rawValue).joined(separator: ", "))") var action: CacheQuery.Action
    @Option(help: "Limit list/clear to this module; the module to explain.") var module: String?
    @Option(help: "The canonical command to explain (default: verify).") var command: String?
    @Option(help: "toon or json") var format: ResultFormatter.Format = .toon

    func validate() throws {
        if action == .explain && module == nil { throw ValidationError("explain needs --module M") }
    }

    func run() throws {
        do {
            let answer = try CacheQuery.answer(action, layout: project.layout, module: module, command: command)
            switch format {
            case .toon: print(CacheQuery.toon(answer))
            case .json: print(JSONWriter.write(.object(answer), indent: 2))
            }
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}
