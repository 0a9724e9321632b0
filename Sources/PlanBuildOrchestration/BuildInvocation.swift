import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution

/// How one planned build is carried out. A command line that names the `run` of one of
/// PlanBuild's own build scripts (`… execute-script.py <notation> run …`) runs in this process (no
/// Python per build); any other command line runs as a process of its own with the same log
/// capture, timeout and process-group handling.
public enum BuildInvocation: Equatable, Sendable {
    case engine(EngineBuild)
    case process(words: [String])

    /// What a notation's `run` asks for: the tool's arguments and the options that change how it runs.
    public struct EngineBuild: Equatable, Sendable {
        public var system: BuildSystem
        public var commandArgs: String
        public var mode: WarningMode?
        /// `--env "K=V K2=V2"`, split like the arguments.
        public var environment: [EnvironmentEntry] = []
        /// `--working-dir DIR`: the tool runs in this folder of the project.
        public var workingDirectory: String?
        /// `--junit FILE` / `--sarif FILE`: the build also written as JUnit XML / SARIF.
        public var exports = RunExportPaths()

        public init(system: BuildSystem, commandArgs: String, mode: WarningMode? = nil) {
            self.system = system
            self.commandArgs = commandArgs
            self.mode = mode
        }
    }

    public struct EnvironmentEntry: Equatable, Sendable {
        public let name: String
        public let value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `scripts` reads the command line as the build script it names would.
    public static func from(commandLine: String, scripts: any ScriptRuns) throws(ShellWords.SplitError) -> BuildInvocation {
        let words = try ShellWords.split(commandLine)
        return scripts.engineBuild(words).map(BuildInvocation.engine) ?? .process(words: words)
    }
}

/// Runs a command line that is not one of PlanBuild's notations: a process of its own, output
/// to a log under the module's scope, the same timeout and process-group handling.
enum ProcessBuild {
    static func run(words: [String], module: String, command: String, layout: ProjectLayout,
                    timeoutSeconds: Int?, learn: Bool, cancellation: CancellationToken?,
                    environment: [String]? = nil, fileMask: Int? = nil,
                    processLauncher: (any ProcessLaunching)? = nil) -> BuildResult {
        let commandLine = ShellWords.join(words)
        let configuration = RunConfiguration(layout: layout)
        let key = "command:\(command)@\(module)"
        let timeout: Int
        if let timeoutSeconds {
            timeout = timeoutSeconds
        } else {
            do {
                timeout = try configuration.timeout(for: key, default: BuildRequest.defaultTimeout).seconds
            } catch {
                return BuildResult.notStarted(BuildResult.ErrorKind.executionFailed, command: commandLine, message: error.message)
            }
        }
        let log: LogFiles.Created
        do {
            log = try LogFiles.create(system: "command", scope: module, layout: layout, keepOpen: true)
        } catch {
            return BuildResult.notStarted(BuildResult.ErrorKind.logFileFailed, command: commandLine, message: "cannot create the log file: \(error)")
        }
        defer { close(log.descriptor) }
        let launch = ProcessLaunch(arguments: words, workingDirectory: FileSystem.absolute(layout.projectDir),
                                   environment: environment, overrides: [], outputDescriptor: log.descriptor,
                                   timeoutMilliseconds: timeout &* 1000, fileMask: fileMask)
        let outcome = processLauncher?.run(launch, cancellation: cancellation) ?? launch.runLocally(cancellation: cancellation)
        switch outcome {
        case .failure(let error):
            var result = BuildResult.notStarted(BuildResult.ErrorKind.executionFailed, command: commandLine, message: error.description)
            result.logFile = log.path
            return result
        case .success(let process):
            if learn && processLauncher?.reusedResult != true {
                configuration.learn(from: process, key: key, timeoutUsed: timeout, timeoutWasLearned: timeoutSeconds == nil)
            }
            return BuildResult(process, logFile: log.path, command: commandLine, timeoutUsed: timeout)
        }
    }
}
