import ArgumentParser
import PlanBuildSupport
import PlanBuildModel

@main
struct PlanBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planbuild",
        abstract: "Run and read builds for .plan projects: resolve, run, parse, learn timeouts.",
        version: PlanBuildVersion.text,
        subcommands: [ResolveCommand.self, RunCommand.self, ParseCommand.self, TimeoutCommand.self,
                      InstallExecutorCommand.self, InstallDevCommand.self, OrchestrateCommand.self,
                      GraphCommand.self, CacheCommand.self, ServerCommand.self, WatchCommand.self, WorkerCommand.self]
    )

    @Flag(name: .customLong("print-prefix"),
          help: "Print the installed package's prefix (PREFIX/include, PREFIX/lib, PREFIX/lib/pkgconfig) and exit.")
    var printPrefix = false

    func run() throws {
        guard printPrefix else { throw CleanExit.helpRequest(self) }
        guard let prefix = Installation.locate()?.installedPrefix else {
            printError("error: this planbuild runs from a build folder, not an installed package: "
                       + "lay one out with `planbuild install-dev --prefix DIR`")
            throw ExitCode(1)
        }
        print(prefix)
    }

    static func main() {
        // An orchestration the build server answers skips the argument parser's start.
        if let code = QuickOrchestrate.exitCode(CommandLine.arguments) { Glibc.exit(code) }
        main(nil)
    }
}

/// Options every project-bound subcommand shares.
struct ProjectOptions: ParsableArguments {
    @Option(name: .customLong("project-dir"),
            help: "The project directory (default: PLAN_BASE_DIR, else the nearest folder with .plan/ at or above the current one).")
    var projectDir: String?

    /// The project every command of this invocation works on (ProjectLayout.chosen).
    var layout: ProjectLayout { Self.layout(projectDir: projectDir) }

    /// `--project-dir`, else PLAN_BASE_DIR, else the nearest folder with .plan/ at or above the
    /// current one (also for `run`, whose options are the scripts' table).
    static func layout(projectDir: String?) -> ProjectLayout {
        ProjectLayout.chosen(option: projectDir, baseDir: FileSystem.environment("PLAN_BASE_DIR"), given: nil,
                             planDirName: FileSystem.environment("PLAN_DIR_NAME"), searchFrom: ".")
    }

    /// A project directory that does not exist stops the command before it reads, writes or runs anything.
    func validate() throws {
        try Self.requireExisting(layout)
    }

    /// The one-line error and exit 1 of a project that is not there (also for `install-executor`).
    static func requireExisting(_ layout: ProjectLayout) throws {
        do {
            try layout.checkExists()
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
    }
}

/// Prints a line to standard error.
/// One line on stderr: a message often quotes a module name or build output, so it is escaped
/// by the rule of every text output (`OneLine`) and can never forge a second line.
func printError(_ message: String) {
    var standardError = StandardError()
    print(OneLine.escape(message), to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ text: String) {
        writeText(text, to: 2)
    }
}
