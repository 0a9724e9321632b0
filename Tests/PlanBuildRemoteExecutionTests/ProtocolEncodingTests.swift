import Testing
@testable import PlanBuildRemoteExecution

/// The messages' bytes against protoc's for the same values (field numbers, order, defaults left
/// out, negative int32s sign-extended) and their round trips.
@Suite struct ProtocolEncodingTests {
    static let digestA = Digest(hash: String(repeating: "a", count: 64), sizeBytes: 142)
    static let digestB = Digest(hash: String(repeating: "b", count: 64), sizeBytes: 0)
    static let platform = Platform(properties: [.init(name: "OSFamily", value: "Linux"), .init(name: "tools", value: "jdk,maven")])

    static func digestText(_ digest: Digest) -> String {
        "{ hash: \"\(digest.hash)\" size_bytes: \(digest.sizeBytes) }"
    }

    @Test func actionMatchesProtoc() throws {
        let action = Action(commandDigest: Self.digestA, inputRootDigest: Self.digestB, timeout: ProtoDuration(seconds: 600),
                            doNotCache: true, platform: Self.platform)
        let expected = try Protoc.encode("Action", """
            command_digest \(Self.digestText(Self.digestA)) input_root_digest \(Self.digestText(Self.digestB))
            timeout { seconds: 600 } do_not_cache: true
            platform { properties { name: "OSFamily" value: "Linux" } properties { name: "tools" value: "jdk,maven" } }
            """)
        #expect(action.encoded() == expected)
        #expect(try Action(decoding: expected) == action)
    }

    @Test func commandMatchesProtoc() throws {
        let command = Command(arguments: ["mvn", "-B", "package", "-pl", "core", ""],
                              environmentVariables: [.init(name: "JAVA_HOME", value: "/usr/lib/jvm/17"), .init(name: "LANG", value: "")],
                              outputFiles: ["core/build.log"], outputDirectories: ["core/target"],
                              outputPaths: ["core/build.log", "core/target"], platform: Self.platform, workingDirectory: "core")
        let expected = try Protoc.encode("Command", """
            arguments: "mvn" arguments: "-B" arguments: "package" arguments: "-pl" arguments: "core" arguments: ""
            environment_variables { name: "JAVA_HOME" value: "/usr/lib/jvm/17" } environment_variables { name: "LANG" }
            output_files: "core/build.log" output_directories: "core/target"
            platform { properties { name: "OSFamily" value: "Linux" } properties { name: "tools" value: "jdk,maven" } }
            working_directory: "core" output_paths: "core/build.log" output_paths: "core/target"
            """)
        #expect(command.encoded() == expected)
        #expect(try Command(decoding: expected) == command)
    }

    @Test func directoryMatchesProtoc() throws {
        let directory = Directory(files: [FileNode(name: "mvnw", digest: Self.digestA, isExecutable: true),
                                          FileNode(name: "pom.xml", digest: Self.digestB)],
                                  directories: [DirectoryNode(name: "core", digest: Self.digestA)],
                                  symlinks: [SymlinkNode(name: "link", target: "../x")])
        let expected = try Protoc.encode("Directory", """
            files { name: "mvnw" digest \(Self.digestText(Self.digestA)) is_executable: true }
            files { name: "pom.xml" digest \(Self.digestText(Self.digestB)) }
            directories { name: "core" digest \(Self.digestText(Self.digestA)) }
            symlinks { name: "link" target: "../x" }
            """)
        #expect(directory.encoded() == expected)
        #expect(try Directory(decoding: expected) == directory)
    }

    @Test func actionResultWithANegativeExitCodeMatchesProtoc() throws {
        var metadata = ExecutedActionMetadata(worker: "host-42")
        metadata.queuedTimestamp = ProtoTimestamp(seconds: 1_800_000_000, nanos: 5)
        metadata.workerCompletedTimestamp = ProtoTimestamp(seconds: 1_800_000_010)
        let result = ActionResult(outputFiles: [OutputFile(path: "core/target/core.jar", digest: Self.digestA, isExecutable: false)],
                                  outputDirectories: [OutputDirectory(path: "core/target", treeDigest: Self.digestB)],
                                  exitCode: -1, stdoutDigest: Self.digestA, executionMetadata: metadata)
        let expected = try Protoc.encode("ActionResult", """
            output_files { path: "core/target/core.jar" digest \(Self.digestText(Self.digestA)) }
            output_directories { path: "core/target" tree_digest \(Self.digestText(Self.digestB)) }
            exit_code: -1 stdout_digest \(Self.digestText(Self.digestA))
            execution_metadata { worker: "host-42" queued_timestamp { seconds: 1800000000 nanos: 5 }
                                 worker_completed_timestamp { seconds: 1800000010 } }
            """)
        #expect(result.encoded() == expected)
        #expect(try ActionResult(decoding: expected) == result)
    }

    @Test func operationWithAPackedResponseMatchesProtoc() throws {
        let response = ExecuteResponse(result: ActionResult(exitCode: 3), cachedResult: true,
                                       status: RpcStatus(code: 4, message: "deadline"), message: "slow")
        let metadata = ExecuteOperationMetadata(stage: .completed, actionDigest: Self.digestA)
        let operation = Operation(name: "operations/1", metadata: ProtoAny(packing: metadata), done: true,
                                  response: ProtoAny(packing: response))
        let expectedResponse = try Protoc.encode("ExecuteResponse", """
            result { exit_code: 3 } cached_result: true status { code: 4 message: "deadline" } message: "slow"
            """)
        #expect(response.encoded() == expectedResponse)
        let expected = try Protoc.encode("Operation", """
            name: "operations/1"
            metadata { type_url: "type.googleapis.com/build.bazel.remote.execution.v2.ExecuteOperationMetadata"
                       value: \(Protoc.literal(metadata.encoded())) }
            done: true
            response { type_url: "type.googleapis.com/build.bazel.remote.execution.v2.ExecuteResponse"
                       value: \(Protoc.literal(expectedResponse)) }
            """)
        #expect(operation.encoded() == expected)
        let decoded = try Operation(decoding: expected)
        #expect(decoded == operation)
        #expect(try decoded.response?.unpack(ExecuteResponse.self) == response)
        #expect(try decoded.metadata?.unpack(ExecuteOperationMetadata.self)?.stage == .completed)
        #expect(try decoded.response?.unpack(ExecuteOperationMetadata.self) == nil, "another type is not unpacked")
    }

    @Test func botSessionMatchesProtoc() throws {
        let action = Action(commandDigest: Self.digestA, inputRootDigest: Self.digestB)
        let session = BotSession(name: "bots/7", botId: "host-1", status: .ok,
                                 worker: Worker(properties: [.init(key: "tools", value: "maven,npm")]),
                                 leases: [Lease(id: "lease-1", payload: ProtoAny(packing: action), state: .completed,
                                                status: RpcStatus(code: 0, message: ""))],
                                 version: "planbuild")
        let expected = try Protoc.encode("BotSession", """
            name: "bots/7" bot_id: "host-1" status: 1 worker { properties { key: "tools" value: "maven,npm" } }
            leases { state: 4 status { } id: "lease-1"
                     payload { type_url: "type.googleapis.com/build.bazel.remote.execution.v2.Action"
                               value: \(Protoc.literal(action.encoded())) } }
            version: "planbuild"
            """)
        #expect(session.encoded() == expected)
        #expect(try BotSession(decoding: expected) == session)
    }

    @Test func executeRequestWithANegativePriorityMatchesProtoc() throws {
        let request = ExecuteRequest(instanceName: "main", skipCacheLookup: true, actionDigest: Self.digestA,
                                     executionPolicy: ExecutionPolicy(priority: -5))
        let expected = try Protoc.encode("ExecuteRequest", """
            instance_name: "main" skip_cache_lookup: true action_digest \(Self.digestText(Self.digestA))
            execution_policy { priority: -5 }
            """)
        #expect(request.encoded() == expected)
        #expect(try ExecuteRequest(decoding: expected) == request)
        // Priority 0 is the default: a present policy is written empty.
        #expect(ExecuteRequest(instanceName: "", actionDigest: Digest(), executionPolicy: ExecutionPolicy()).encoded() == [0x3A, 0x00])
    }

    @Test func byteStreamWriteMatchesProtoc() throws {
        let data: [UInt8] = [0, 1, 2, 255, 10]
        let request = WriteRequest(resourceName: "uploads/u/blobs/\(Self.digestA.hash)/5", writeOffset: 1 << 40,
                                   finishWrite: true, data: data)
        let expected = try Protoc.encode("WriteRequest", """
            resource_name: "uploads/u/blobs/\(Self.digestA.hash)/5" write_offset: \(1 << 40) finish_write: true
            data: \(Protoc.literal(data))
            """)
        #expect(request.encoded() == expected)
        #expect(try WriteRequest(decoding: expected) == request)
    }

    @Test func defaultsAreLeftOutAndAnEmptyMessageIsEmpty() {
        #expect(Action().encoded() == [])
        #expect(Command().encoded() == [])
        #expect(ExecuteRequest().encoded() == [])
        // A present but empty optional message is written: its presence is the value.
        #expect(Command(arguments: [], platform: Platform()).encoded() == [0x2A, 0x00])
        // A tree's root is written even empty.
        #expect(Tree().encoded() == [0x0A, 0x00])
    }

    @Test func everyMessageRoundTrips() throws {
        func check<M: ProtoMessage>(_ message: M) throws {
            #expect(try M(decoding: message.encoded()) == message, "\(M.protoName)")
        }
        try check(Tree(root: Directory(files: [FileNode(name: "a", digest: Self.digestA)]),
                       children: [Directory(), Directory(symlinks: [SymlinkNode(name: "s", target: "t")])]))
        try check(ExecuteRequest(instanceName: "main", skipCacheLookup: true, actionDigest: Self.digestA))
        try check(WaitExecutionRequest(name: "operations/9"))
        try check(CancelOperationRequest(name: "operations/9"))
        try check(GetActionResultRequest(instanceName: "main", actionDigest: Self.digestA, inlineStdout: true))
        try check(UpdateActionResultRequest(instanceName: "", actionDigest: Self.digestA, actionResult: ActionResult(exitCode: 1)))
        try check(FindMissingBlobsRequest(instanceName: "i", blobDigests: [Self.digestA, Self.digestB]))
        try check(FindMissingBlobsResponse(missingBlobDigests: [Self.digestB]))
        try check(BatchUpdateBlobsRequest(instanceName: "i", requests: [.init(digest: Self.digestA, data: [1, 2, 3])]))
        try check(BatchUpdateBlobsResponse(responses: [.init(digest: Self.digestA, status: RpcStatus(code: 3, message: "bad"))]))
        try check(BatchReadBlobsRequest(instanceName: "i", digests: [Self.digestA]))
        try check(BatchReadBlobsResponse(responses: [.init(digest: Self.digestA, data: [9], status: RpcStatus())]))
        try check(GetCapabilitiesRequest(instanceName: "main"))
        try check(ServerCapabilities(cacheCapabilities: CacheCapabilities(digestFunctions: [.sha256, DigestFunction(rawValue: 9)],
                                                                          actionCacheUpdateEnabled: true, maxBatchTotalSizeBytes: 4 << 20),
                                     executionCapabilities: ExecutionCapabilities(digestFunction: .sha256, execEnabled: true)))
        try check(ReadRequest(resourceName: "main/blobs/x/1", readOffset: 5, readLimit: 7))
        try check(ReadResponse(data: Array(0...255)))
        try check(WriteResponse(committedSize: 1 << 33))
        try check(CreateBotSessionRequest(parent: "main", botSession: BotSession(botId: "b", status: .initializing,
                                          worker: Worker(devices: [Device(handle: "h", properties: [.init(key: "os", value: "linux")])]))))
        try check(UpdateBotSessionRequest(name: "bots/1", botSession: BotSession(name: "bots/1", botId: "b", status: .botTerminating)))
        try check(RpcStatus(code: 5, message: "not found", details: [ProtoAny(typeURL: "x/y", value: [1])]))
        try check(ProtoDuration(seconds: -5, nanos: -1))
        try check(ExecutedActionMetadata(worker: "w"))
    }

    @Test func enumValuesANewerServerSendsStillDecode() throws {
        var writer = ProtoWriter()
        writer.int32(1, 99)
        let metadata = try ExecuteOperationMetadata(decoding: writer.bytes)
        #expect(metadata.stage == ExecutionStage(rawValue: 99))
        #expect(metadata.stage.description == "stage 99")
        var lease = ProtoWriter()
        lease.int32(2, 3)
        #expect(try Lease(decoding: lease.bytes).state.rawValue == 3)
    }

    @Test func repeatedEnumsArePackedOrNot() throws {
        // digest_functions as two unpacked fields (an older writer) and as one packed run.
        let unpacked: [UInt8] = [0x08, 0x01, 0x08, 0x09]
        let packed: [UInt8] = [0x0A, 0x02, 0x01, 0x09]
        #expect(try CacheCapabilities(decoding: unpacked).digestFunctions == [.sha256, DigestFunction(rawValue: 9)])
        #expect(try CacheCapabilities(decoding: packed).digestFunctions == [.sha256, DigestFunction(rawValue: 9)])
        #expect(CacheCapabilities(digestFunctions: [.sha256, DigestFunction(rawValue: 9)], actionCacheUpdateEnabled: false,
                                  maxBatchTotalSizeBytes: 0).encoded() == packed)
    }

    @Test func anyTypeNameIsTheLastPathSegment() {
        #expect(ProtoAny(typeURL: "example.com/a/b.C", value: []).typeName == "b.C")
        #expect(ProtoAny(typeURL: "b.C", value: []).typeName == "b.C")
        #expect(ProtoAny(packing: Digest()).typeURL == "type.googleapis.com/build.bazel.remote.execution.v2.Digest")
    }
}
