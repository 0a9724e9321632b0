import ArgumentParser
import PlanBuildConfiguration
import PlanBuildExecution

struct TimeoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeout", abstract: "Read or learn the timeout of a command key.",
        subcommands: [Get.self, Set.self])

    struct Get: ParsableCommand {
        @OptionGroup var project: ProjectOptions
        @Option(help: "Command key, e.g. maven:verify@core") var command: String
        @Option(help: "Seconds when nothing was learned (default 300).") var `default`: Int = BuildRequest.defaultTimeout

        func run() throws {
            do {
                print(try RunConfiguration(layout: project.layout).timeout(for: command, default: `default`).seconds)
            } catch {
                printError("error: \(error.message)")
                throw ExitCode(1)
            }
        }
    }

    struct Set: ParsableCommand {
        @OptionGroup var project: ProjectOptions
        @Option(help: "Command key, e.g. maven:verify@core") var command: String
        @Option(help: "The build's duration in seconds.") var duration: Int

        func run() throws {
            do {
                print(try RunConfiguration(layout: project.layout).recordDuration(duration, for: command).toon, terminator: "")
            } catch {
                printError("error: \(error.message)")
                throw ExitCode(1)
            }
        }
    }
}
