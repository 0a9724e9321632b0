import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution

/// Runs an action's command on this worker the way a local build runs: under planbuild-supervisor
/// (ProcessRunner), as the leader of its own process group, with its stdout and stderr on one log
/// file, ended (its whole tree) at the action's timeout or when the lease is cancelled.
package enum ActionProcess {
    /// How the command ended, with the wall-clock times the result reports.
    package struct Run: Sendable {
        /// nil when it could not be started (the reason is in `spawnFailure` and in the log).
        package var outcome: ProcessOutcome?
        package var spawnFailure: String?
        package var started: ProtoTimestamp
        package var finished: ProtoTimestamp
    }

    /// `arguments` in `workingDirectory` with `variables` set on top of this worker's own
    /// environment (builds are not hermetic: the worker's PATH and HOME find its tools and
    /// their caches); nil `timeoutSeconds` runs without a limit.
    package static func run(_ arguments: [String], workingDirectory: String, variables: [(name: String, value: String)],
                            logDescriptor: Int32, timeoutSeconds: Int?, cancellation: CancellationToken) -> Run {
        let started = WallClock.now()
        let environment = ProcessEnvironment.overlaid(variables)
        let outcome = ProcessRunner.run(arguments, workingDirectory: workingDirectory, environment: environment,
                                        outputDescriptor: logDescriptor,
                                        timeoutMilliseconds: timeoutSeconds.map { $0 &* 1000 }, cancellation: cancellation)
        switch outcome {
        case .success(let process):
            return Run(outcome: process, spawnFailure: nil, started: started, finished: WallClock.now())
        case .failure(let problem):
            // The log explains itself, as a local build's does.
            try? SystemCall.writeAll(logDescriptor, Array("planbuild worker: \(problem.description)\n".utf8), path: "the action's log")
            return Run(outcome: nil, spawnFailure: problem.description, started: started, finished: WallClock.now())
        }
    }
}

/// The real-time clock as a protobuf Timestamp (the times an ActionResult reports).
package enum WallClock {
    package static func now() -> ProtoTimestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return ProtoTimestamp(seconds: Int64(now.tv_sec), nanos: Int32(now.tv_nsec))
    }
}
