/// How one planned build is carried out. A command line that names one of PlanBuild's own
/// notations runs in this process through `BuildExecutor` (no Python per build); any other
/// command line runs as a process of its own with the same log capture, timeout and
/// process-group handling.
public enum BuildInvocation: Equatable, Sendable {
    case engine(system: BuildSystem, commandArgs: String, mode: WarningMode?)
    case process(words: [String])

    /// Notations whose `run` PlanBuild executes itself.
    static let engineNotations: [String: BuildSystem] = [
        "pm-dev-java:plan-marshall-plugin:maven": .maven,
        "pm-dev-java:plan-marshall-plugin:gradle": .gradle,
        "pm-dev-frontend:plan-marshall-plugin:npm": .npm,
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
        var index = scriptIndex + 3
        while index < words.count {
            let word = words[index]
            let value: String? = index + 1 < words.count ? words[index + 1] : nil
            switch word {
            case "--commandArgs", "--command-args": commandArgs = value; index += 2
            case "--mode": mode = value.flatMap(WarningMode.init(rawValue:)); index += 2
            case "--timeout", "--format": index += 2
            default:
                if word.hasPrefix("--commandArgs=") { commandArgs = String(word.dropFirst("--commandArgs=".count)) }
                index += 1
            }
        }
        guard let commandArgs else { return .process(words: words) }
        return .engine(system: system, commandArgs: commandArgs, mode: mode)
    }
}

/// Runs a command line that is not one of PlanBuild's notations: a process of its own, output
/// to a log under the module's scope, the same timeout and process-group handling.
enum ProcessBuild {
    static func run(words: [String], module: String, command: String, layout: ProjectLayout,
                    timeoutSeconds: Int?, learn: Bool, cancellation: CancellationToken?) -> BuildResult {
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
                return BuildExecutor.failure(BuildResult.ErrorKind.executionFailed, command: commandLine, message: error.message)
            }
        }
        let log: LogFiles.Created
        do {
            log = try LogFiles.create(system: "command", scope: module, layout: layout, keepOpen: true)
        } catch {
            return BuildExecutor.failure(BuildResult.ErrorKind.logFileFailed, command: commandLine, message: "cannot create the log file: \(error)")
        }
        defer { close(log.descriptor) }
        let outcome = ProcessRunner.run(words, workingDirectory: FileSystem.absolute(layout.projectDir),
                                        outputDescriptor: log.descriptor, timeoutMilliseconds: timeout &* 1000,
                                        cancellation: cancellation)
        switch outcome {
        case .failure(let error):
            var result = BuildExecutor.failure(BuildResult.ErrorKind.executionFailed, command: commandLine, message: error.description)
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
