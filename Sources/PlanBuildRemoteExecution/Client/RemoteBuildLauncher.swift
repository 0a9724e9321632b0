import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildCache

/// Runs one module build's process on the cluster instead of here: the build as an action
/// (RemoteAction), its missing blobs uploaded, the ActionCache asked first, else Execute (and
/// WaitExecution) until the operation is done; then the log written to the build's own log file
/// and the declared outputs put in place by the code that restores shared cache hits
/// (OutputRestore), so the executor parses and reports it as it would a build run here.
///
/// Anything that does not work out — the server gone, an answer that does not check out, a blob
/// whose digest is wrong — runs the build here instead (noted once in the run's warning).
package final class RemoteBuildLauncher: ProcessLaunching, @unchecked Sendable {
    /// Where the build ran.
    package enum Placement: Equatable, Sendable {
        /// On the cluster: the worker's name (ExecutedActionMetadata.worker); `cached`: the
        /// ActionCache had its result, nothing ran.
        case remote(worker: String, cached: Bool)
        /// Here, after remote execution did not work out.
        case local
    }

    /// A build log larger than this is not taken from the server.
    static let maximumLogBytes = 256 << 20
    /// An output folder's Tree larger than this is not read.
    static let maximumTreeBytes = 16 << 20

    private let run: RemoteExecutionRun
    private let inputs: ActionInputs
    private let tools: [String]
    private let priority: Int32
    private let monitor = Monitor()
    // Guarded by `monitor`.
    private var placed: Placement?

    init(run: RemoteExecutionRun, inputs: ActionInputs, tools: [String], priority: Int32) {
        self.priority = priority
        self.run = run
        self.inputs = inputs
        self.tools = tools
    }

    /// nil before the build ran.
    package var placement: Placement? { monitor.withLock { placed } }

    package var reusedResult: Bool {
        if case .remote(_, cached: true)? = placement { return true }
        return false
    }

    package var ranElsewhere: Bool {
        if case .remote? = placement { return true }
        return false
    }

    package func run(_ launch: ProcessLaunch, cancellation: CancellationToken?) -> Result<ProcessOutcome, SpawnError> {
        if !run.isDown, let (outcome, placement) = remotely(launch, cancellation: cancellation) {
            monitor.withLock { placed = placement }
            return .success(outcome)
        }
        monitor.withLock { placed = .local }
        return launch.runLocally(cancellation: cancellation)
    }

    /// The build on the cluster; nil: run it here (noted).
    private func remotely(_ launch: ProcessLaunch, cancellation: CancellationToken?) -> (ProcessOutcome, Placement)? {
        let started = MonotonicClock.milliseconds()
        let module = inputs.module
        let action: RemoteAction
        do {
            action = try RemoteAction(launch: launch, inputs: inputs, projectDirectory: run.layout.projectDir, tools: tools,
                                      hasher: run.hasher)
        } catch {
            run.note("\(module) cannot be sent: \(error.description)")
            return nil
        }
        let client = run.client
        let result: ActionResult
        let cached: Bool
        let log: [UInt8]
        // An execution past its deadline says the build took long, not that the server is gone.
        var executing = false
        do throws(RemoteExecutionError) {
            try upload(action, client: client)
            if let hit = try client.getActionResult(action.actionDigest) {
                result = hit
                cached = true
            } else {
                // The build's own timeout, as long again for its time in the server's queue, and
                // the time of a call: past that the build is run here.
                let timeout = Double(launch.timeoutMilliseconds) / 1000
                executing = true
                let response = try client.execute(actionDigest: action.actionDigest, skipCacheLookup: false,
                                                  priority: priority == 0 ? nil : priority, deadlineSeconds: 2 * timeout + run.settings.timeoutSeconds,
                                                  cancellation: cancellation)
                executing = false
                if let status = response.status, status.code != 0 {
                    let elapsed = MonotonicClock.milliseconds() - started
                    let worker = response.result?.executionMetadata.worker ?? ""
                    // The worker ended the build at its timeout: what a local build would report.
                    if Int(status.code) == GrpcStatusCode.deadlineExceeded.rawValue {
                        return (ProcessOutcome(ending: .timedOut, durationMilliseconds: elapsed), .remote(worker: worker, cached: false))
                    }
                    if cancellation?.isCancelled == true {
                        return (ProcessOutcome(ending: .cancelled, durationMilliseconds: elapsed), .remote(worker: worker, cached: false))
                    }
                    run.note("the server did not run \(module) (\(GrpcStatusCode.name(of: Int(status.code))): \(Self.shown(status.message)))")
                    return nil
                }
                guard let answered = response.result else {
                    run.note("the server's answer for \(module) has no result")
                    return nil
                }
                result = answered
                cached = response.cachedResult
            }
            log = try self.log(of: result, client: client)
        } catch {
            if cancellation?.isCancelled == true {
                return (ProcessOutcome(ending: .cancelled, durationMilliseconds: MonotonicClock.milliseconds() - started),
                        .remote(worker: "", cached: false))
            }
            run.note("\(module): \(error)", serverGone: error.meansServerGone && !(executing && error.code == .deadline))
            return nil
        }
        guard restoreOutputs(of: result, action: action, client: client) else { return nil }
        do {
            try SystemCall.writeAll(launch.outputDescriptor, log, path: "the log of \(module)")
        } catch {
            run.note("cannot write the log of \(module): \(error.reason)")
            return nil
        }
        let ending: ProcessOutcome.Ending = (0...255).contains(result.exitCode) ? .exited(Int(result.exitCode)) : .unknown
        return (ProcessOutcome(ending: ending, durationMilliseconds: MonotonicClock.milliseconds() - started),
                .remote(worker: result.executionMetadata.worker, cached: cached))
    }

    /// A file up to this size travels in a batch with others; a larger one on its own (ByteStream).
    static let batchedFileBytes: Int64 = 1 << 20
    /// What one round of batched uploads holds in memory at most.
    static let batchBytes = 16 << 20

    /// Every blob of the action the server lacks: the messages and the small files in batches
    /// (few calls for a first upload of many sources), each large file streamed on its own.
    private func upload(_ action: RemoteAction, client: REAPIClient) throws(RemoteExecutionError) {
        let missing = try client.findMissing(Array(action.blobs.keys) + Array(action.files.keys))
        var batch: [(Digest, [UInt8])] = []
        var batched = 0
        for digest in missing {
            if let bytes = action.blobs[digest] {
                batch.append((digest, bytes))
                batched += bytes.count
            } else if let path = action.files[digest] {
                guard digest.sizeBytes <= Self.batchedFileBytes else {
                    try client.uploadFile(path: path, digest: digest)
                    continue
                }
                // A file that cannot be read now is sent as the client reads it (which reports why).
                guard let bytes = try? FileSystem.readFile(path) else {
                    try client.uploadFile(path: path, digest: digest)
                    continue
                }
                batch.append((digest, bytes))
                batched += bytes.count
            }
            if batched >= Self.batchBytes {
                try client.upload(blobs: batch)
                batch.removeAll()
                batched = 0
            }
        }
        if !batch.isEmpty { try client.upload(blobs: batch) }
    }

    /// The build's output as one log: standard output, then standard error (a worker of
    /// PlanBuild's own captures both into standard output).
    private func log(of result: ActionResult, client: REAPIClient) throws(RemoteExecutionError) -> [UInt8] {
        var log = result.stdoutRaw
        if let digest = result.stdoutDigest, digest.sizeBytes > 0 {
            log = try client.read(digest, maximumBytes: Self.maximumLogBytes)
        }
        if let digest = result.stderrDigest, digest.sizeBytes > 0 {
            log += try client.read(digest, maximumBytes: Self.maximumLogBytes)
        } else {
            log += result.stderrRaw
        }
        return log
    }

    /// Puts in place what the result holds of the module's declared outputs (nothing else:
    /// a path no pattern declares is left on the server). false: not all of it could be (noted).
    private func restoreOutputs(of result: ActionResult, action: RemoteAction,
                                client: REAPIClient) -> Bool {
        var files: [String: OutputRestore.File] = [:]
        func offer(_ path: String, digest: Digest, executable: Bool) {
            let projectPath = action.workingDirectory.isEmpty ? path : action.workingDirectory + "/" + path
            guard let pattern = inputs.outputs.pattern(of: projectPath), Self.usable(digest) else { return }
            let name = String(projectPath.split(separator: "/").last!)
            files[projectPath] = OutputRestore.File(folder: pattern.folder, name: name, size: digest.sizeBytes,
                                                    sha256: digest.hash, executable: executable)
        }
        for file in result.outputFiles { offer(file.path, digest: file.digest, executable: file.isExecutable) }
        for folder in result.outputDirectories {
            // Declared outputs are files directly in their folder: the tree's root holds them.
            let tree: Tree
            do {
                tree = try Tree(decoding: try client.read(folder.treeDigest, maximumBytes: Self.maximumTreeBytes))
            } catch {
                run.note("the output folder \(Self.shown(folder.path)) of \(inputs.module) cannot be read: \(error)")
                return false
            }
            for file in tree.root.files {
                offer(folder.path.isEmpty ? file.name : folder.path + "/" + file.name, digest: file.digest,
                      executable: file.isExecutable)
            }
        }
        guard !files.isEmpty else { return true }
        let restore = OutputRestore(layout: run.layout, hasher: run.hasher) { [run] problem in run.note(problem) }
        let placed = restore.restore(artifacts: files.keys.sorted().map { files[$0]! }, log: nil, module: inputs.module) { file, receive in
            let bytes: [UInt8]
            do {
                bytes = try client.read(Digest(hash: file.sha256, sizeBytes: file.size), maximumBytes: Int(file.size))
            } catch {
                return .failed("the server could not give the blob (\(error))")
            }
            return bytes.withUnsafeBytes { receive($0) } ? .complete : .cut
        }
        return placed != nil
    }

    /// A digest as REAPI's SHA-256 function writes it, of a size a record may declare.
    private static func usable(_ digest: Digest) -> Bool {
        OutputRestore.isDigest(digest.hash) && (0...OutputRestore.maximumFileSize).contains(digest.sizeBytes)
    }

    static func shown(_ text: String) -> String { OneLine.untrusted(text, limit: 200) }
}
