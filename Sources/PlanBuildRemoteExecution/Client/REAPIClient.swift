import PlanBuildCache
import PlanBuildExecution
import PlanBuildSupport
import Synchronization

/// The typed calls of the Remote Execution API (CAS, ActionCache, Execution, Capabilities) and of
/// the Remote Workers API (Bots) against one server and instance. Every call has a deadline and a
/// bound on what it takes; every blob read is checked against its digest and a mismatch is an
/// error, never returned. Failures are `RemoteExecutionError`s.
package struct REAPIClient: Sendable {
    package let channel: GrpcChannel
    package let instanceName: String
    /// The deadline of one call that moves little data; a blob transfer gets this plus a second
    /// per MiB (`transferDeadline`).
    package var callDeadlineSeconds: Double
    /// Cuts every call of this client (blob transfers included) when cancelled, as a call's own
    /// token does: a run's cancellation reaches what it has in flight on the cluster.
    package var cancellation: CancellationToken?
    /// The server's capabilities, asked once when a batch limit is first needed.
    private let capabilitiesCache = CapabilitiesCache()

    /// gRPC's default bound on a message, which servers keep unless told otherwise.
    package static let messageLimit = 4 << 20

    package init(channel: GrpcChannel, instanceName: String, callDeadlineSeconds: Double = 60, cancellation: CancellationToken? = nil) {
        self.channel = channel
        self.instanceName = instanceName
        self.callDeadlineSeconds = callDeadlineSeconds
        self.cancellation = cancellation
    }

    // MARK: Capabilities

    package func capabilities() throws(RemoteExecutionError) -> ServerCapabilities {
        let capabilities: ServerCapabilities = try call("/build.bazel.remote.execution.v2.Capabilities/GetCapabilities",
                                                        GetCapabilitiesRequest(instanceName: instanceName))
        capabilitiesCache.store(capabilities)
        return capabilities
    }

    /// The most blob bytes one batch call carries: the server's limit, within one gRPC message
    /// with room for the digests and framing.
    package func batchLimit() throws(RemoteExecutionError) -> Int {
        let capabilities: ServerCapabilities
        if let known = capabilitiesCache.value { capabilities = known } else { capabilities = try self.capabilities() }
        let transport = Self.messageLimit - (64 << 10)
        guard let server = capabilities.maximumBatchTotalSizeBytes else { return transport }
        return Int(min(server, Int64(transport)))
    }

    // MARK: Action cache

    /// The cached result of an action, or nil when the server has none (NOT_FOUND).
    package func getActionResult(_ actionDigest: Digest) throws(RemoteExecutionError) -> ActionResult? {
        do throws(RemoteExecutionError) {
            let result: ActionResult = try call("/build.bazel.remote.execution.v2.ActionCache/GetActionResult",
                                                GetActionResultRequest(instanceName: instanceName, actionDigest: actionDigest))
            return result
        } catch where error.code == .server(GrpcStatusCode.notFound.rawValue) {
            return nil
        }
    }

    /// Stores `result` as the result of the action; returns what the server stored.
    @discardableResult
    package func updateActionResult(_ actionDigest: Digest, _ result: ActionResult) throws(RemoteExecutionError) -> ActionResult {
        try call("/build.bazel.remote.execution.v2.ActionCache/UpdateActionResult",
                 UpdateActionResultRequest(instanceName: instanceName, actionDigest: actionDigest, actionResult: result))
    }

    // MARK: Bots (the Remote Workers API)

    /// Joins the farm `parent` (for BuildGrid, the instance name); the server names the session.
    package func createBotSession(parent: String, _ session: BotSession) throws(RemoteExecutionError) -> BotSession {
        try call("/google.devtools.remoteworkers.v1test2.Bots/CreateBotSession",
                 CreateBotSessionRequest(parent: parent, botSession: session))
    }

    /// Reports the session's state and takes new leases. Servers hold this call open until they
    /// have work or their own wait ends, so its deadline is the caller's.
    package func updateBotSession(_ session: BotSession, deadlineSeconds: Double,
                                  cancellation: CancellationToken? = nil) throws(RemoteExecutionError) -> BotSession {
        try call("/google.devtools.remoteworkers.v1test2.Bots/UpdateBotSession",
                 UpdateBotSessionRequest(name: session.name, botSession: session), deadlineSeconds: deadlineSeconds,
                 cancellation: cancellation)
    }

    // MARK: Calls

    /// One unary call: `request` encoded, the answer decoded as `Reply`.
    func call<Request: ProtoMessage, Reply: ProtoMessage>(
        _ method: String, _ request: Request, deadlineSeconds: Double? = nil, maximumReplyBytes: Int = REAPIClient.messageLimit,
        cancellation: CancellationToken? = nil
    ) throws(RemoteExecutionError) -> Reply {
        let name = Self.methodName(method)
        switch channel.unary(method, request.encoded(), deadlineSeconds: deadlineSeconds ?? callDeadlineSeconds,
                             maximumReplyBytes: maximumReplyBytes, cancellation: cancellation ?? self.cancellation) {
        case .failure(let failure):
            throw RemoteExecutionError(failure, during: name)
        case .success(let bytes):
            do throws(ProtoError) {
                return try Reply(decoding: bytes)
            } catch {
                throw RemoteExecutionError(error, during: name)
            }
        }
    }

    /// The deadline of a transfer of `bytes`: the call's, and a second more per MiB.
    func transferDeadline(_ bytes: Int64) -> Double {
        callDeadlineSeconds + Double(max(bytes, 0)) / Double(1 << 20)
    }

    /// "FindMissingBlobs" of "/build.bazel.remote.execution.v2.ContentAddressableStorage/FindMissingBlobs".
    static func methodName(_ method: String) -> String {
        method.split(separator: "/").last.map(String.init) ?? method
    }
}

/// The capabilities a client learned, shared by its copies (the client is a value).
private final class CapabilitiesCache: Sendable {
    private let stored = Mutex<ServerCapabilities?>(nil)

    var value: ServerCapabilities? { stored.withLock { $0 } }

    func store(_ capabilities: ServerCapabilities) {
        stored.withLock { $0 = capabilities }
    }
}
