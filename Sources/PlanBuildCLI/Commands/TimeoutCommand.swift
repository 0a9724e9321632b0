import ArgumentParser
import PlanBuildCore

struct TimeoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeout", abstract: "Read or learn the timeout of a command key.",
        subcommands: [Get.self, Set.self])

    struct Get: ParsableCommand {
        @OptionGroup var project: ProjectOptions
        @Option(help: "Command key, e.g. maven:verify@core") var command: String
        @Option(help: "Seconds when nothing was learned.") var `default`: Int = 300

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
                let update = try RunConfiguration(layout: project.layout).recordDuration(duration, for: command)
                print("status\tsuccess")
                print("timeout_seconds\t\(update.seconds)")
                if let previous = update.previous { print("previous_seconds\t\(previous)") }
                print("source\t\(update.source)")
            } catch {
                printError("error: \(error.message)")
                throw ExitCode(1)
            }
        }
    }
}
