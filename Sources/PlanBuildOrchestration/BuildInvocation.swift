import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution

/// How one planned build is carried out. A command line that names one of PlanBuild's own
/// notations runs in this process through `BuildExecutor` (no Python per build); any other
/// command line runs as a process of its own with the same log capture, timeout and
/// process-group handling.
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

        public init(system: BuildSystem, commandArgs: String, mode: WarningMode? = nil) {
            self.system = system
            self.commandArgs = commandArgs
            self.mode = mode
        }
    }

    public struct EnvironmentEntry: Equatable, Sendable {
        public let name: String
        public let value: String
    }

    /// Notations whose `run` PlanBuild executes itself: the documented generation and the one today's
    /// plan-marshall release writes into derived-data.json (the dispatcher in python/ maps the
    /// same names to the same scripts).
    public static let engineNotations: [String: BuildSystem] = [
        "pm-dev-java:plan-marshall-plugin:maven": .maven,
        "pm-dev-java:plan-marshall-plugin:gradle": .gradle,
        "pm-dev-frontend:plan-marshall-plugin:npm": .npm,
        "plan-marshall:build-maven:maven": .maven,
        "plan-marshall:build-gradle:gradle": .gradle,
        "plan-marshall:build-npm:npm": .npm,
        "plan-marshall:build-pyproject:pyproject_build": .python,
    ]

    public static func from(commandLine: String) throws(ShellWords.SplitError) -> BuildInvocation {
        let words = try ShellWords.split(commandLine)
        guard let scriptIndex = words.firstIndex(where: { $0.hasSuffix("execute-script.py") }),
              scriptIndex + 2 < words.count,
              let system = engineNotations[words[scriptIndex + 1]],
              words[scriptIndex + 2] == "run" else {
            return .process(words: words)
        }
        var commandArgs: String?
        var mode: WarningMode?
        var environment: String?
        var workingDirectory: String?
        var index = scriptIndex + 3
        while index < words.count {
            let word = words[index]
            let value: String? = index + 1 < words.count ? words[index + 1] : nil
            // `--name value` and `--name=value` alike.
            let (name, inline): (String, String?) = word.hasPrefix("--") && word.contains("=")
                ? (String(word.prefix(while: { $0 != "=" })), String(word.drop(while: { $0 != "=" }).dropFirst()))
                : (word, nil)
            let argument = inline ?? value
            let step = inline == nil ? 2 : 1
            switch name {
            case "--commandArgs", "--command-args": commandArgs = argument; index += step
            case "--mode": mode = argument.flatMap(WarningMode.init(rawValue:)); index += step
            case "--env": environment = argument; index += step
            case "--working-dir": workingDirectory = argument; index += step
            case "--timeout", "--format", "--project-dir": index += step
            default: index += 1
            }
        }
        guard let commandArgs else { return .process(words: words) }
        var build = EngineBuild(system: system, commandArgs: commandArgs, mode: mode)
        build.workingDirectory = workingDirectory
        if let environment {
            // A malformed --env is the script's usage error: run it as the process it names, which reports it.
            guard let entries = try? ProcessEnvironment.assignments(environment) else { return .process(words: words) }
            build.environment = entries.map { EnvironmentEntry(name: $0.name, value: $0.value) }
        }
        return .engine(build)
    }
}

/// Runs a command line that is not one of PlanBuild's notations: a process of its own, output
/// to a log under the module's scope, the same timeout and process-group handling.
enum ProcessBuild {
    static func run(words: [String], module: String, command: String, layout: ProjectLayout,
                    timeoutSeconds: Int?, learn: Bool, cancellation: CancellationToken?,
                    environment: [String]? = nil, fileMask: Int? = nil) -> BuildResult {
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
        let outcome = ProcessRunner.run(words, workingDirectory: FileSystem.absolute(layout.projectDir), environment: environment,
                                        outputDescriptor: log.descriptor, timeoutMilliseconds: timeout &* 1000,
                                        cancellation: cancellation, fileMask: fileMask)
        switch outcome {
        case .failure(let error):
            var result = BuildResult.notStarted(BuildResult.ErrorKind.executionFailed, command: commandLine, message: error.description)
            result.logFile = log.path
            return result
        case .success(let process):
            if learn {
                configuration.learn(from: process, key: key, timeoutUsed: timeout, timeoutWasLearned: timeoutSeconds == nil)
            }
            return BuildResult(process, logFile: log.path, command: commandLine, timeoutUsed: timeout)
        }
    }
}
