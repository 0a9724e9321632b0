import Testing
import PlanBuildSupport
import PlanBuildExecution
@testable import PlanBuildRemoteExecution

/// One lease from payload to result, on this machine: the command runs under PlanBuild's own
/// supervision in a fresh folder, its outputs and its one log go to the CAS, and each way it can
/// end has its status.
@Suite struct LeaseRunnerTests {
    let cas = MemoryCAS()
    let scratch = ScratchFolder()

    func lease(_ arguments: [String], root: Directory = Directory(), workingDirectory: String = "", outputs: [String] = [],
               variables: [Command.EnvironmentVariable] = [], timeoutSeconds: Int64? = nil) -> Lease {
        var command = Command()
        command.arguments = arguments
        command.workingDirectory = workingDirectory
        command.outputPaths = outputs
        command.environmentVariables = variables
        var action = Action()
        action.commandDigest = cas.put(command.encoded())
        action.inputRootDigest = cas.put(root)
        action.timeout = timeoutSeconds.map { ProtoDuration(seconds: $0) }
        return Lease(id: "lease/1", payload: ProtoAny(packing: action), state: .active)
    }

    func run(_ lease: Lease, cancellation: CancellationToken = CancellationToken(), stopping: Bool = false) -> LeaseRunner.Outcome {
        LeaseRunner(store: cas, digests: cas.digests, workFolder: scratch.handle("work"), workerName: "test-worker",
                    defaultTimeoutSeconds: 60)
            .run(lease, cancellation: cancellation, stopping: { stopping })
    }

    @Test func aCommandRunsInItsWorkingDirectoryAndItsOutputsAndLogGoUp() throws {
        let module = Directory(files: [cas.file("in.txt", "input\n")])
        let outcome = run(lease(["sh", "-c", "cat in.txt > out.txt; mkdir -p target; echo $GREETING > target/a.txt; echo out; echo err >&2"],
                                root: Directory(directories: [cas.folder("core", module)]), workingDirectory: "core",
                                outputs: ["out.txt", "target", "absent.txt"],
                                variables: [Command.EnvironmentVariable(name: "GREETING", value: "hello")]))
        #expect(outcome.status.isOK, "\(outcome.status.message)")
        let result = try #require(outcome.result)
        #expect(result.exitCode == 0)
        #expect(result.outputFiles.map(\.path) == ["out.txt"])
        #expect(cas.text(result.outputFiles.first?.digest) == "input\n")
        #expect(result.outputDirectories.map(\.path) == ["target"])
        let tree = try Tree(decoding: try #require(cas.blobs[result.outputDirectories[0].treeDigest]))
        #expect(cas.text(tree.root.files.first?.digest) == "hello\n")
        #expect(cas.text(result.stdoutDigest) == "out\nerr\n")
        #expect(result.stderrDigest == nil)
        #expect(result.executionMetadata.worker == "test-worker")
        #expect(result.executionMetadata.executionStartTimestamp != nil)
        // The lease's folder is gone.
        #expect(FileSystem.listDirectory(FileSystem.join(scratch.path, "work")).isEmpty)
    }

    @Test func aLargeOutputIsStreamedAndSmallOnesGoTogether() throws {
        let outcome = run(lease(["sh", "-c", "head -c 3000000 /dev/zero > big.bin; mkdir out; for n in 1 2 3; do echo $n > out/$n.txt; done"],
                                outputs: ["big.bin", "out"]))
        let result = try #require(outcome.result)
        #expect(cas.blobs[result.outputFiles[0].digest]?.count == 3_000_000)
        let tree = try Tree(decoding: try #require(cas.blobs[result.outputDirectories[0].treeDigest]))
        #expect(tree.root.files.map { cas.text($0.digest) } == ["1\n", "2\n", "3\n"])
    }

    @Test func aProgramOfTheInputRootRunsByItsRelativePath() throws {
        let module = Directory(files: [cas.file("mvnw", "#!/bin/sh\necho wrapper \"$@\"\n", executable: true)])
        let outcome = run(lease(["./mvnw", "-B", "package"], root: Directory(directories: [cas.folder("app", module)]),
                                workingDirectory: "app"))
        #expect(outcome.status.isOK, "\(outcome.status.message)")
        #expect(cas.text(outcome.result?.stdoutDigest) == "wrapper -B package\n")
    }

    @Test func anExitCodeIsAResultNotAFailure() throws {
        let outcome = run(lease(["sh", "-c", "echo broken; exit 3"]))
        #expect(outcome.status.isOK)
        #expect(outcome.result?.exitCode == 3)
        #expect(cas.text(outcome.result?.stdoutDigest) == "broken\n")
    }

    @Test func aCommandPastItsTimeoutIsEndedAndSaysSo() throws {
        let started = MonotonicClock.milliseconds()
        let outcome = run(lease(["sh", "-c", "echo begun; sleep 30"], timeoutSeconds: 1))
        #expect(MonotonicClock.milliseconds() - started < 15_000)
        #expect(outcome.status.code == Int32(GrpcStatusCode.deadlineExceeded.rawValue))
        #expect(outcome.result?.exitCode == -1)
        #expect(cas.text(outcome.result?.stdoutDigest) == "begun\n")
    }

    @Test func aProgramThatIsNotThereIsAFailedPreconditionWithALog() throws {
        let outcome = run(lease(["planbuild-no-such-tool", "x"]))
        #expect(outcome.status.code == Int32(GrpcStatusCode.failedPrecondition.rawValue))
        #expect(outcome.status.message.contains("planbuild-no-such-tool"))
        #expect(cas.text(outcome.result?.stdoutDigest)?.contains("planbuild-no-such-tool") == true)
    }

    @Test func aWorkingDirectoryOutsideTheInputRootIsRefused() {
        for directory in ["../..", "/tmp", "missing"] {
            let outcome = run(lease(["sh", "-c", "touch escaped"], workingDirectory: directory))
            #expect(outcome.status.code == Int32(GrpcStatusCode.invalidArgument.rawValue), "\(directory)")
            #expect(outcome.result == nil)
        }
        #expect(!scratch.exists("escaped") && !scratch.exists("work/escaped"))
    }

    @Test func aPayloadThatIsNotAnActionIsRefused() {
        var odd = lease(["true"])
        odd.payload = ProtoAny(typeURL: "type.googleapis.com/google.rpc.Status", value: [])
        #expect(run(odd).status.code == Int32(GrpcStatusCode.invalidArgument.rawValue))
        odd.payload = nil
        #expect(run(odd).status.code == Int32(GrpcStatusCode.invalidArgument.rawValue))
    }

    @Test func aCancelledLeaseIsHandedBackWithoutAResult() async throws {
        for stopping in [false, true] {
            let token = CancellationToken()
            let started = MonotonicClock.milliseconds()
            _ = DetachedThread.start {
                usleep(300_000)
                token.cancel()
            }
            let outcome = run(lease(["sleep", "30"]), cancellation: token, stopping: stopping)
            #expect(MonotonicClock.milliseconds() - started < 10_000)
            #expect(outcome.status.code == Int32(GrpcStatusCode.unavailable.rawValue))
            #expect(outcome.result == nil)
            #expect(outcome.summary == (stopping ? "cancelled: this worker stops" : "cancelled by the server"))
        }
    }

    @Test func platformOptionsBecomeOnePropertyPerValue() throws {
        let settings = try WorkerSettings(server: "grpc://127.0.0.1:1", platform: ["tools=npm,maven", "tools=jdk", "tools=maven"])
        #expect(settings.properties.map { "\($0.name)=\($0.value)" } == ["OSFamily=Linux", "tools=jdk", "tools=maven", "tools=npm"])
        let own = try WorkerSettings(server: "grpc://127.0.0.1:1", platform: ["OSFamily=Darwin"])
        #expect(own.properties.map { "\($0.name)=\($0.value)" } == ["OSFamily=Darwin"])
        for bad in ["tools", "=x", "tools=", "tools=,"] {
            #expect(throws: PlanBuildError.self) { try WorkerSettings(server: "grpc://127.0.0.1:1", platform: [bad]) }
        }
        #expect(throws: PlanBuildError.self) { try WorkerSettings(server: "http://127.0.0.1:1") }
        #expect(throws: PlanBuildError.self) { try WorkerSettings(server: "grpc://127.0.0.1:1", slots: 0) }
        #expect(throws: PlanBuildError.self) { try WorkerSettings(server: "grpc://127.0.0.1:1", name: "a/b") }
    }
}
