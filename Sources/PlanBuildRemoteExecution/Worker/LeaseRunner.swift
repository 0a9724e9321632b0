import PlanBuildSupport
import PlanBuildModel
import PlanBuildConfiguration
import PlanBuildExecution

/// Runs one lease from start to result: the Action (the lease's payload, or the digest of one),
/// its Command and input root from the CAS into a fresh folder below the work folder, the command
/// under PlanBuild's supervision with one log, the outputs and the log into the CAS, and the
/// ActionResult as the lease's result. The folder is removed afterwards, whatever happened.
package struct LeaseRunner: Sendable {
    let store: any ActionStore
    let digests: BlobDigests
    let workFolder: DirectoryHandle
    let workerName: String
    let defaultTimeoutSeconds: Int

    /// A Command message at most this large.
    static let maximumCommandBytes = 16 << 20
    static let maximumActionBytes = 1 << 20

    package init(store: any ActionStore, digests: BlobDigests, workFolder: DirectoryHandle, workerName: String,
                 defaultTimeoutSeconds: Int) {
        self.store = store
        self.digests = digests
        self.workFolder = workFolder
        self.workerName = workerName
        self.defaultTimeoutSeconds = defaultTimeoutSeconds
    }

    /// What became of a lease: its status and, once the command ran, its ActionResult.
    package struct Outcome: Sendable {
        package var status: RpcStatus
        package var result: ActionResult?
        /// One line for the worker's own output.
        package var summary: String

        /// The lease as the bot reports it back: COMPLETED with this status and result.
        package func lease(id: String) -> Lease {
            Lease(id: id, result: result.map { ProtoAny(packing: $0) }, state: .completed, status: status)
        }
    }

    /// `stopping` tells a cancellation by this worker's own stop (the action goes back to the
    /// server, to run elsewhere) from one by the server (nothing is reported).
    package func run(_ lease: Lease, cancellation: CancellationToken, stopping: @Sendable () -> Bool) -> Outcome {
        var metadata = ExecutedActionMetadata()
        metadata.worker = workerName
        metadata.workerStartTimestamp = WallClock.now()
        let folder: LeaseFolder
        do {
            folder = try LeaseFolder.create(in: workFolder, lease: lease.id)
        } catch {
            return Self.failed(error)
        }
        defer { folder.remove() }
        do {
            return try run(lease, in: folder, metadata: metadata, cancellation: cancellation, stopping: stopping)
        } catch {
            // Fetching the inputs stops at a cancellation, with an error that is not the lease's fault.
            return cancellation.isCancelled ? cancelled(stopping: stopping()) : Self.failed(error)
        }
    }

    private func run(_ lease: Lease, in folder: LeaseFolder, metadata: ExecutedActionMetadata,
                     cancellation: CancellationToken, stopping: @Sendable () -> Bool) throws(LeaseFailure) -> Outcome {
        var metadata = metadata
        let action = try self.action(of: lease)
        metadata.inputFetchStartTimestamp = WallClock.now()
        let command = try message(Command.self, action.commandDigest, limit: Self.maximumCommandBytes, what: "the Command")
        guard let program = command.arguments.first, !program.isEmpty else { throw .invalid("the Command has no arguments") }
        try InputRoot(blobs: store, digests: digests).materialise(action.inputRootDigest, into: folder.root,
                                                                  cancelled: { cancellation.isCancelled })
        metadata.inputFetchCompletedTimestamp = WallClock.now()

        let workingFolder: DirectoryHandle
        var workingPath = folder.rootPath
        if command.workingDirectory.isEmpty {
            workingFolder = folder.root
        } else {
            guard let parts = DirectoryHandle.components(command.workingDirectory) else {
                throw .invalid("the working directory '\(OneLine.escape(command.workingDirectory))' is not a relative path in the input root")
            }
            do {
                workingFolder = try folder.root.folder(parts.joined(separator: "/"))
            } catch {
                throw .invalid("the working directory \(parts.joined(separator: "/")) is not a folder of the input root: \(error)")
            }
            workingPath = FileSystem.join(workingPath, parts.joined(separator: "/"))
        }
        if cancellation.isCancelled { return cancelled(stopping: stopping()) }

        let timeout = try timeoutSeconds(action)
        let run = ActionProcess.run(command.arguments, workingDirectory: workingPath,
                                    variables: command.environmentVariables.map { ($0.name, $0.value) },
                                    logDescriptor: folder.log, timeoutSeconds: timeout, cancellation: cancellation)
        metadata.executionStartTimestamp = run.started
        metadata.executionCompletedTimestamp = run.finished
        let ending = ActionEnding(run, timeoutSeconds: timeout)
        if ending.isCancelled { return cancelled(stopping: stopping()) }

        metadata.outputUploadStartTimestamp = WallClock.now()
        let outputs = OutputCollector(digests: digests).collect(OutputCollector.declaredPaths(command), in: workingFolder)
        folder.note(outputs.notes)
        var result = ActionResult()
        result.exitCode = ending.exitCode
        result.outputFiles = outputs.files
        result.outputDirectories = outputs.directories
        result.stdoutDigest = try upload(outputs, from: workingFolder, log: folder)
        metadata.outputUploadCompletedTimestamp = WallClock.now()
        metadata.workerCompletedTimestamp = WallClock.now()
        result.executionMetadata = metadata
        return Outcome(status: ending.status, result: result, summary: ending.summary)
    }

    /// The lease's Action: the payload itself (BuildGrid sends the Action), or its digest.
    private func action(of lease: Lease) throws(LeaseFailure) -> Action {
        guard let payload = lease.payload else { throw .invalid("the lease has no payload") }
        let digest: Digest
        do {
            if let action = try payload.unpack(Action.self) { return action }
            guard let named = try payload.unpack(Digest.self) else {
                throw LeaseFailure.invalid("the lease's payload is a \(OneLine.escape(String(payload.typeName))), not an Action or its Digest")
            }
            digest = named
        } catch let error as LeaseFailure {
            throw error
        } catch {
            throw .invalid("the lease's payload is not a valid \(OneLine.escape(String(payload.typeName))): \(error)")
        }
        return try message(Action.self, digest, limit: Self.maximumActionBytes, what: "the Action")
    }

    /// A message read from the CAS: its bytes checked against the digest, then decoded.
    private func message<M: ProtoMessage>(_ type: M.Type, _ digest: Digest, limit: Int, what: String) throws(LeaseFailure) -> M {
        if let problem = BlobDigests.problem(digest, limit: Int64(limit)) { throw .invalid("\(what): \(problem)") }
        let bytes = digest.sizeBytes == 0 ? [] : try store.contents(of: [digest])[digest]
        guard let bytes, digests.digest(of: bytes) == digest else {
            throw .invalid("\(what): the bytes do not match the digest \(digest.hash)")
        }
        do {
            return try M(decoding: bytes)
        } catch {
            throw .invalid("\(what) is not a valid message: \(error)")
        }
    }

    /// The action's own timeout (whole seconds, a part second rounded up), capped as every
    /// PlanBuild timeout is; the worker's default when it names none.
    private func timeoutSeconds(_ action: Action) throws(LeaseFailure) -> Int {
        guard let timeout = action.timeout, timeout.seconds > 0 || timeout.nanos > 0 else { return defaultTimeoutSeconds }
        guard timeout.seconds >= 0, timeout.nanos >= 0 else { throw .invalid("the Action's timeout is negative") }
        let seconds = Int(clamping: timeout.seconds) &+ (timeout.nanos > 0 ? 1 : 0)
        do {
            return try TimeoutLimits.checked(seconds, "the Action's timeout")
        } catch {
            throw .invalid(error.message)
        }
    }

    /// The outputs the CAS lacks and the log go up; the log's digest is returned. Small blobs
    /// (Trees, class files) go together in batches, up to 8 MiB held at once; a large file is
    /// streamed on its own.
    private func upload(_ outputs: CollectedOutputs, from workingFolder: DirectoryHandle, log folder: LeaseFolder) throws(LeaseFailure) -> Digest {
        let logDigest: Digest
        do {
            logDigest = try digests.digest(ofFile: folder.log, path: folder.logPath)
        } catch {
            throw .local("the log: \(error)")
        }
        let missing = try store.missing(Array(outputs.blobs.keys) + [logDigest])
        var small: [(Digest, [UInt8])] = []
        var smallBytes: Int64 = 0
        for (digest, content) in outputs.blobs where missing.contains(digest) {
            switch content {
            case .bytes(let bytes):
                small.append((digest, bytes))
            case .file(let path) where digest.sizeBytes <= InputRoot.smallFileBytes:
                small.append((digest, try contents(of: path, from: workingFolder, digest: digest)))
            case .file(let path):
                let (parent, name) = try outputFolder(path, from: workingFolder)
                let descriptor: Int32
                do {
                    descriptor = try parent.openFile(name, flags: O_RDONLY)
                } catch {
                    throw .local("output \(path): \(error)")
                }
                defer { close(descriptor) }
                try store.uploadFile(descriptor, digest: digest)
            }
            smallBytes += small.last.map { Int64($0.1.count) } ?? 0
            if smallBytes >= InputRoot.smallFilesAtOnce {
                try store.upload(small)
                small = []
                smallBytes = 0
            }
        }
        if !small.isEmpty { try store.upload(small) }
        if missing.contains(logDigest) { try store.uploadFile(folder.log, digest: logDigest) }
        return logDigest
    }

    /// The folder of the output file `path` (relative to the working directory), reached without
    /// following a link, and the file's name.
    private func outputFolder(_ path: String, from workingFolder: DirectoryHandle) throws(LeaseFailure) -> (DirectoryHandle, String) {
        let parts = path.split(separator: "/").map(String.init)
        do {
            return (parts.count == 1 ? workingFolder : try workingFolder.folder(parts.dropLast().joined(separator: "/")), parts[parts.count - 1])
        } catch {
            throw .local("output \(path): \(error)")
        }
    }

    /// A small output file's bytes, still those its digest was taken of.
    private func contents(of path: String, from workingFolder: DirectoryHandle, digest: Digest) throws(LeaseFailure) -> [UInt8] {
        let (parent, name) = try outputFolder(path, from: workingFolder)
        let bytes: [UInt8]
        do {
            bytes = try parent.readFile(name, limit: Int(digest.sizeBytes))
        } catch {
            throw .local("output \(path): \(error)")
        }
        guard digests.digest(of: bytes) == digest else { throw .local("output \(path) changed after it was collected") }
        return bytes
    }

    private func cancelled(stopping: Bool) -> Outcome {
        Outcome(status: LeaseFailure.unavailable("the worker \(workerName) stopped before the action finished; it may run elsewhere").status,
                result: nil, summary: stopping ? "cancelled: this worker stops" : "cancelled by the server")
    }

    private static func failed(_ error: LeaseFailure) -> Outcome {
        Outcome(status: error.status, result: nil, summary: "failed: \(error.message)")
    }
}

/// How the command ended, as an ActionResult and a lease status say it; the exit codes are
/// PlanBuild's for a local build: -signal for a command killed by a signal PlanBuild did not
/// send, -1 when there is none (a timeout, a lost status, a command that could not start).
struct ActionEnding {
    var exitCode: Int32 = -1
    var status = RpcStatus()
    var summary = ""
    var isCancelled = false

    init(_ run: ActionProcess.Run, timeoutSeconds: Int) {
        guard let outcome = run.outcome else {
            status = LeaseFailure.missing(run.spawnFailure ?? "the command could not start").status
            summary = "could not start: \(run.spawnFailure ?? "")"
            return
        }
        let seconds = Double(outcome.durationMilliseconds) / 1000
        switch outcome.ending {
        case .exited(let code):
            exitCode = Int32(code)
            summary = "exit \(code) after \(seconds) s"
        case .killed(let signal):
            exitCode = -Int32(signal)
            summary = "killed by signal \(signal) after \(seconds) s"
        case .timedOut:
            status = LeaseFailure(.deadlineExceeded, "the command did not finish within its timeout of \(timeoutSeconds) s").status
            summary = "timed out after \(timeoutSeconds) s"
        case .unknown:
            status = LeaseFailure.local("the command ended but its exit status was lost").status
            summary = "ended, exit status lost"
        case .cancelled:
            status = LeaseFailure(.cancelled, "cancelled").status
            summary = "cancelled"
            isCancelled = true
        }
    }
}
