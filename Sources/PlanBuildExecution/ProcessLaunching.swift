import PlanBuildSupport
import PlanBuildModel

/// One build process as the executor would start it: everything that decides what runs, where,
/// with which environment and for how long, and where its output goes.
public struct ProcessLaunch: Sendable {
    /// The program and its arguments, the wrapper PlanBuild resolved first.
    public let arguments: [String]
    /// Absolute; the project or the build's working folder below it.
    public let workingDirectory: String
    /// The whole environment the process gets (nil: this process's).
    public let environment: [String]?
    /// The variables the build itself sets on top of the inherited environment (the request's
    /// overrides): what a machine with its own environment must be told.
    public let overrides: [(name: String, value: String)]
    /// The build's log, open for writing: the process's standard output and error go there.
    public let outputDescriptor: Int32
    public let timeoutMilliseconds: Int
    public let graceMilliseconds: Int
    public let fileMask: Int?

    package init(arguments: [String], workingDirectory: String, environment: [String]?,
                 overrides: [(name: String, value: String)], outputDescriptor: Int32, timeoutMilliseconds: Int,
                 graceMilliseconds: Int = ProcessRunner.defaultGraceMilliseconds, fileMask: Int? = nil) {
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.overrides = overrides
        self.outputDescriptor = outputDescriptor
        self.timeoutMilliseconds = timeoutMilliseconds
        self.graceMilliseconds = graceMilliseconds
        self.fileMask = fileMask
    }

    /// Runs it here, as a child of this process (ProcessRunner).
    package func runLocally(cancellation: CancellationToken?) -> Result<ProcessOutcome, SpawnError> {
        ProcessRunner.run(arguments, workingDirectory: workingDirectory, environment: environment,
                          outputDescriptor: outputDescriptor, timeoutMilliseconds: timeoutMilliseconds,
                          cancellation: cancellation, graceMilliseconds: graceMilliseconds, fileMask: fileMask)
    }
}

/// Where a build's process runs. Everything around it (wrapper, timeout, log file, parsing the
/// log, the status's evidence, learning) stays the executor's, so a build run elsewhere — on a
/// remote execution cluster — gives the same result as one run here. An implementation writes the
/// process's output to `outputDescriptor` before it returns and reports how the process ended.
public protocol ProcessLaunching: Sendable {
    func run(_ launch: ProcessLaunch, cancellation: CancellationToken?) -> Result<ProcessOutcome, SpawnError>
    /// The last `run` gave a result recorded earlier (a remote ActionCache hit) instead of running
    /// the process: its duration teaches nothing about the build's timeout.
    var reusedResult: Bool { get }
    /// The last `run`'s process ran on another machine, in a folder of its own: the absolute
    /// paths its log prints name that folder, not the project (SourcePaths maps them back).
    var ranElsewhere: Bool { get }
}
