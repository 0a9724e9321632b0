import PlanBuildSupport
import PlanBuildModel
import PlanBuildParsing
import PlanBuildConfiguration

/// One build to run (what `pb_execute` and the `run` scripts ask for).
public struct BuildRequest: Sendable {
    public var system: BuildSystem
    public var commandArgs: String
    public var layout: ProjectLayout
    /// The timeout to start from when nothing was learned yet (`--timeout`); learning may raise it.
    public var defaultTimeoutSeconds: Int
    /// Learn under this key instead of the one derived from the arguments.
    public var commandKey: String?
    public var mode: WarningMode
    /// Read the log after the build (succeeded or not): its errors, warnings filtered by `mode` and
    /// test counts become part of the result, and its status must agree with it (TruthfulStatus).
    /// A `run` and an orchestrated build do; the drop-in `execute_direct` does not (its caller
    /// reads the log with its own parser).
    public var parseLog: Bool
    /// At most this many errors / warnings in the result (nil: all); `run` prints 20 and 10.
    public var maximumErrors: Int?
    public var maximumWarnings: Int?
    /// Store what this build teaches about its timeout in run-configuration.json.
    public var learnTimeout: Bool
    /// `NAME=value` entries replacing the inherited environment; nil inherits the caller's.
    public var environment: [String]?
    /// Variables set on top of `environment` (or of the inherited environment when it is nil).
    public var environmentOverrides: [(name: String, value: String)] = []
    public var graceMilliseconds: Int
    /// Resolve wrapper, command line and timeout only; start nothing and create no log.
    public var dryRun: Bool = false
    /// A hard limit that replaces the learned timeout (orchestration's per-build `--timeout`).
    public var fixedTimeoutSeconds: Int?
    /// Where the tool runs, relative to the project (an npm workspace folder); default the project.
    /// Wrapper detection, logs and learning stay with the project.
    public var workingDirectory: String?
    /// The build's umask (the build server's client's); nil: this process's.
    public var fileMask: Int?
    /// The build-output folder its log goes to (an orchestrated build's module); nil: effectiveLogScope decides.
    public var logScope: String?
    /// The build server's gate (machine-wide slots, identical builds shared); nil starts at once.
    public var gate: (any BuildGate)?
    /// Told the log file's path as soon as it is created (the live line of `planbuild run`).
    public var logCreated: (@Sendable (String) -> Void)?
    /// The build cache's digest of the build's inputs, when the caller computed one: the gate
    /// joins a build that already runs only when its inputs are known to be the same.
    package var inputDigest: String?
    /// Where the build's process runs (a remote execution cluster's); nil: here, as a child.
    package var processLauncher: (any ProcessLaunching)?

    /// The timeout to start from when nothing was learned and the caller named none: 300 s.
    public static let defaultTimeout = 300
    /// What a `run` prints at most: 20 errors and 10 warnings.
    public static let runMaximumErrors = 20
    public static let runMaximumWarnings = 10

    /// Where the log goes below build-output, so that a module's logs are together whatever its
    /// system: the scope the caller named, else the module the arguments route to (`-pl core`,
    /// `--workspace=api`, `--rootdir analytics`), else the folder the tool runs in (an npm
    /// package's), else `default`.
    public var effectiveLogScope: String? {
        let folder = workingDirectory?.split(separator: "/").last.map(String.init)
        return logScope ?? (try? CommandArguments(system: system, commandArgs: commandArgs))?.module
            ?? (folder == "." || folder == ".." ? nil : folder)
    }

    /// Caps the errors and warnings like a `run` (the CLI's and the run scripts').
    public mutating func limitLikeRun() {
        maximumErrors = Self.runMaximumErrors
        maximumWarnings = Self.runMaximumWarnings
    }

    public init(system: BuildSystem, commandArgs: String, layout: ProjectLayout, defaultTimeoutSeconds: Int = defaultTimeout,
                commandKey: String? = nil, mode: WarningMode = .actionable, parseLog: Bool = true,
                maximumErrors: Int? = nil, maximumWarnings: Int? = nil, learnTimeout: Bool = true,
                environment: [String]? = nil, graceMilliseconds: Int = ProcessRunner.defaultGraceMilliseconds) {
        self.system = system
        self.commandArgs = commandArgs
        self.layout = layout
        self.defaultTimeoutSeconds = defaultTimeoutSeconds
        self.commandKey = commandKey
        self.mode = mode
        self.parseLog = parseLog
        self.maximumErrors = maximumErrors
        self.maximumWarnings = maximumWarnings
        self.learnTimeout = learnTimeout
        self.environment = environment
        self.graceMilliseconds = graceMilliseconds
    }
}

/// The whole life of one build: wrapper, learned timeout, log file, process, parse, filter.
public enum BuildExecutor {
    /// What `execute` would run (wrapper, command line, timeout) without starting anything or
    /// creating a log: the result of a dry run.
    public static func plan(_ request: BuildRequest) -> BuildResult {
        var dry = request
        dry.dryRun = true
        return execute(dry)
    }

    public static func execute(_ request: BuildRequest, cancellation: CancellationToken? = nil) -> BuildResult {
        let projectDir = FileSystem.absolute(request.layout.projectDir)
        let arguments: CommandArguments
        do {
            arguments = try CommandArguments(system: request.system, commandArgs: request.commandArgs)
        } catch {
            return failure(BuildResult.ErrorKind.executionFailed, command: request.commandArgs, message: "cannot split the arguments: \(error)")
        }

        // The program: a project wrapper when there is one, else the tool from PATH.
        let launcher: Launcher
        switch Launcher.detect(system: request.system, words: arguments.words, projectDir: projectDir) {
        case .success(let found): launcher = found
        case .failure(let problem):
            let shown = ShellWords.join([problem.wrapper] + arguments.words)
            return failure(BuildResult.ErrorKind.wrapperNotFound, command: shown, message: problem.message, wrapper: problem.wrapper)
        }
        let commandLine = ShellWords.join((launcher.display.isEmpty ? [] : [launcher.display]) + arguments.words)

        let configuration = RunConfiguration(layout: request.layout)
        let key = request.commandKey ?? arguments.commandKey
        let lookup: RunConfiguration.TimeoutLookup
        do {
            if let fixed = request.fixedTimeoutSeconds {
                lookup = RunConfiguration.TimeoutLookup(seconds: fixed, learned: nil, keyUsed: nil)
            } else {
                lookup = try configuration.timeout(for: key, fallbackKey: request.commandKey == nil ? arguments.legacyCommandKey : nil,
                                                   default: request.defaultTimeoutSeconds)
            }
        } catch {
            return failure(BuildResult.ErrorKind.executionFailed, command: commandLine, message: error.message, launcher: launcher)
        }

        if request.dryRun {
            var planned = BuildResult(status: .success, exitCode: 0, durationSeconds: 0, logFile: "", command: commandLine)
            planned.timeoutUsedSeconds = lookup.seconds
            launcher.describe(into: &planned)
            return planned
        }

        let started = Started(request: request, arguments: arguments, launcher: launcher, commandLine: commandLine,
                              projectDir: projectDir, key: key, lookup: lookup)
        guard let gate = request.gate else { return started.run(cancellation: cancellation) }
        let gated = GatedBuild(project: projectDir,
                               identity: GatedBuild.identity(started.identityParts, environment: started.environment,
                                                             fileMask: request.fileMask),
                               inputDigest: request.inputDigest, label: commandLine,
                               expectedMilliseconds: lookup.learned.map(TimeoutLimits.milliseconds))
        let shared = gate.run(gated, cancellation: cancellation, started: {}) { token in started.run(cancellation: token) }
        if let shared { return shared }
        // Cancelled while queued, or while another caller's identical build runs on without this one.
        var cancelled = BuildResult(ProcessOutcome(ending: .cancelled, durationMilliseconds: 0), logFile: "", command: commandLine,
                                    timeoutUsed: lookup.seconds)
        launcher.describe(into: &cancelled)
        return cancelled
    }

    /// A build decided to run: the part a gate may hold back, run once and shared.
    private struct Started: Sendable {
        let request: BuildRequest
        let arguments: CommandArguments
        let launcher: Launcher
        let commandLine: String
        let projectDir: String
        let key: String
        let lookup: RunConfiguration.TimeoutLookup

        var environment: [String]? {
            request.environmentOverrides.isEmpty ? request.environment
                : ProcessEnvironment.overlaid(request.environmentOverrides, on: request.environment)
        }

        /// What makes two builds of one project the same build.
        var identityParts: [String] {
            ["execute", request.system.rawValue, request.commandArgs, commandLine, request.workingDirectory ?? "",
             key, String(lookup.seconds), request.mode.rawValue, String(request.parseLog),
             request.maximumErrors.map(String.init) ?? "all", request.maximumWarnings.map(String.init) ?? "all",
             String(request.learnTimeout), String(request.graceMilliseconds), String(request.fixedTimeoutSeconds != nil)]
        }

        func run(cancellation: CancellationToken?) -> BuildResult {
            let configuration = RunConfiguration(layout: request.layout)
            let log: LogFiles.Created
            do {
                log = try LogFiles.create(system: request.system.rawValue, scope: request.effectiveLogScope, layout: request.layout, keepOpen: true)
            } catch {
                var result = failure(BuildResult.ErrorKind.logFileFailed, command: commandLine, message: "cannot create the log file: \(error)", launcher: launcher)
                result.timeoutUsedSeconds = lookup.seconds
                return result
            }

            request.logCreated?(log.path)
            // Test reports written from now on are this build's.
            let startedAt = time(nil)
            let workingDirectory = request.workingDirectory.map { FileSystem.absolute(FileSystem.join(projectDir, $0)) } ?? projectDir
            guard FileSystem.isDirectory(workingDirectory) else {
                close(log.descriptor)
                var result = failure(BuildResult.ErrorKind.executionFailed, command: commandLine,
                                     message: "working directory \(workingDirectory) does not exist", launcher: launcher)
                result.logFile = log.path
                return result
            }
            // Maven's `-l FILE` names a file of this machine: a build run elsewhere leaves Maven's
            // output on its standard output, which is captured into the same log.
            let mavenLog = request.processLauncher != nil ? nil
                : MavenLogOption.forBuild(system: request.system, words: arguments.words, logPath: log.path)
            let launch = ProcessLaunch(arguments: launcher.argv + arguments.words + (mavenLog?.arguments ?? []),
                                       workingDirectory: workingDirectory, environment: environment,
                                       overrides: request.environmentOverrides, outputDescriptor: log.descriptor,
                                       timeoutMilliseconds: lookup.seconds &* 1000,
                                       graceMilliseconds: request.graceMilliseconds, fileMask: request.fileMask)
            let outcome = request.processLauncher?.run(launch, cancellation: cancellation)
                ?? launch.runLocally(cancellation: cancellation)
            close(log.descriptor)
            mavenLog?.merge(into: log.path)

            var result: BuildResult
            switch outcome {
            case .failure(let spawnError):
                // The message goes into the log too, so the log file explains itself.
                appendNote(spawnError.description, to: log.path)
                result = failure(BuildResult.ErrorKind.executionFailed, command: commandLine, message: spawnError.description, launcher: launcher)
                result.logFile = log.path
                result.timeoutUsedSeconds = lookup.seconds
                return result
            case .success(let process):
                result = BuildResult(process, logFile: log.path, command: commandLine, timeoutUsed: lookup.seconds)
                launcher.describe(into: &result)
                if request.learnTimeout && request.processLauncher?.reusedResult != true {
                    configuration.learn(from: process, key: key, timeoutUsed: lookup.seconds,
                                        timeoutWasLearned: request.fixedTimeoutSeconds == nil)
                }
            }

            if request.parseLog {
                let evidence = try? ParserRegistry.parse(logFile: result.logFile, parser: request.system.rawValue)
                TruthfulStatus.settle(&result, evidence: evidence)
                // A green build's log counts too: its warnings and tests are part of its result.
                if let evidence {
                    attachDiagnostics(evidence, to: &result, request: request, configuration: configuration,
                                      since: Int(startedAt))
                }
            }
            return result
        }
    }

    /// Adds the log's errors, filtered warnings and test counts to the result (a timeout keeps
    /// the tests TruthfulStatus left it), and the test tools' own reports written `since` then
    /// (TestReports) as its test cases.
    static func attachDiagnostics(_ parsed: ParseOutcome, to result: inout BuildResult, request: BuildRequest,
                                  configuration: RunConfiguration, since: Int) {
        let patterns = WarningPatterns((try? configuration.acceptableWarnings(system: request.system.rawValue)) ?? [])
        let projectDir = FileSystem.absolute(request.layout.projectDir)
        let module = (try? CommandArguments(system: request.system, commandArgs: request.commandArgs))?.module
        let folders = SourcePaths.buildFolders(projectDir: projectDir, workingDirectory: request.workingDirectory, module: module)
        var paths = SourcePaths(projectDir: projectDir, buildFolders: folders,
                                foreignRoots: request.processLauncher?.ranElsewhere == true)
        func relocated(_ issues: [Issue]) -> [Issue] {
            issues.map { issue in
                var moved = issue
                moved.file = paths.display(issue.file)
                return moved
            }
        }
        result.errors = relocated(parsed.errors)
        result.warnings = relocated(WarningMode.filter(parsed.warnings, patterns: patterns, mode: request.mode))
        result.capIssues(errors: request.maximumErrors, warnings: request.maximumWarnings)
        if result.status != .timeout { result.tests = parsed.tests }
        let words = (try? CommandArguments(system: request.system, commandArgs: request.commandArgs))?.words ?? []
        let workingDirectory = request.workingDirectory.map { FileSystem.join(projectDir, $0) } ?? projectDir
        result.testCases = TestReports.cases(system: request.system, words: words, projectDir: projectDir, folders: folders,
                                             workingDirectory: workingDirectory, since: since)
        // A log that gave no counts (`mvn -q`) takes the reports' counts.
        if result.tests == nil, result.status != .timeout, let cases = result.testCases { result.tests = TestSummary(cases: cases) }
    }

    static func failure(_ kind: String, command: String, message: String, wrapper: String? = nil,
                        launcher: Launcher? = nil) -> BuildResult {
        var result = BuildResult.notStarted(kind, command: command, message: message)
        result.wrapper = wrapper
        launcher?.describe(into: &result)
        return result
    }

    private static func appendNote(_ note: String, to path: String) {
        guard let descriptor = try? SystemCall.checked(path, { open(path, O_WRONLY | O_APPEND | O_CLOEXEC) }) else { return }
        try? SystemCall.writeAll(descriptor, Array("planbuild: \(note)\n".utf8), path: path)
        close(descriptor)
    }
}

/// The program that runs a build: Maven/Gradle wrapper or tool, npm or npx.
struct Launcher {
    /// What the result's `command` shows first (`./mvnw`, `mvn`, `npx`).
    let display: String
    /// argv prefix actually executed (an absolute wrapper path, or a tool name for PATH lookup).
    let argv: [String]
    let wrapper: String?
    let commandType: String?

    struct Problem: Error {
        let message: String
        let wrapper: String
    }

    static func detect(system: BuildSystem, words: [String], projectDir: String) -> Result<Launcher, Problem> {
        switch system {
        case .maven: return wrapperOrTool(wrapper: "mvnw", tool: "mvn", projectDir: projectDir)
        case .gradle: return wrapperOrTool(wrapper: "gradlew", tool: "gradle", projectDir: projectDir)
        case .npm:
            let type = CommandArguments(system: .npm, words: words).npmCommandType ?? "npm"
            return .success(Launcher(display: type, argv: [type], wrapper: nil, commandType: type))
        case .python:
            return pyprojectx(words: words, projectDir: projectDir)
        }
    }

    /// pyprojectx's wrapper `./pw` in the project, else `pw` on PATH, else the plain tools: the
    /// command's first word is the program (`pytest -q`, `mypy src`, `ruff check`).
    private static func pyprojectx(words: [String], projectDir: String) -> Result<Launcher, Problem> {
        if FileSystem.exists(FileSystem.join(projectDir, "pw")) {
            return wrapperOrTool(wrapper: "pw", tool: "pw", projectDir: projectDir)
        }
        if FileSystem.onPath("pw") != nil {
            return .success(Launcher(display: "pw", argv: ["pw"], wrapper: "pw", commandType: nil))
        }
        guard let tool = words.first, !tool.hasPrefix("-") else {
            return .failure(Problem(message: "no ./pw in \(projectDir) and no pw on PATH: name the tool to run (e.g. 'pytest -q')",
                                    wrapper: "pw"))
        }
        return .success(Launcher(display: "", argv: [], wrapper: tool, commandType: nil))
    }

    private static func wrapperOrTool(wrapper: String, tool: String, projectDir: String) -> Result<Launcher, Problem> {
        let path = FileSystem.join(projectDir, wrapper)
        if FileSystem.exists(path) {
            guard FileSystem.isExecutable(path) else {
                return .failure(Problem(message: "./\(wrapper) exists but is not executable: run 'chmod +x \(wrapper)' in \(projectDir)",
                                        wrapper: "./\(wrapper)"))
            }
            return .success(Launcher(display: "./\(wrapper)", argv: [path], wrapper: "./\(wrapper)", commandType: nil))
        }
        return .success(Launcher(display: tool, argv: [tool], wrapper: tool, commandType: nil))
    }

    func describe(into result: inout BuildResult) {
        if let wrapper { result.wrapper = wrapper }
        if let commandType { result.commandType = commandType }
    }
}
