import PlanBuildSupport
import PlanBuildExecution

/// The worker's one connection to the server: the Bots service for the session and the CAS for
/// the actions' blobs, over REAPIClient.
package struct WorkerConnection: BotsConnection, ActionStore {
    package init(_ settings: WorkerSettings) throws(PlanBuildError) {
        throw PlanBuildError(.invalidRequest, "the gRPC client is not built yet")
    }

    package func create(_ request: CreateBotSessionRequest, deadlineSeconds: Double,
                        cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure> {
        .failure(.refused("no client"))
    }

    package func update(_ request: UpdateBotSessionRequest, deadlineSeconds: Double,
                        cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure> {
        .failure(.refused("no client"))
    }

    package func bytes(of digest: Digest, maximumBytes: Int) throws(LeaseFailure) -> [UInt8] { throw .local("no client") }
    package func write(_ digest: Digest, to descriptor: Int32) throws(LeaseFailure) { throw .local("no client") }
    package func missing(_ digests: [Digest]) throws(LeaseFailure) -> Set<Digest> { throw .local("no client") }
    package func upload(_ blobs: [(Digest, [UInt8])]) throws(LeaseFailure) { throw .local("no client") }
    package func uploadFile(_ descriptor: Int32, digest: Digest) throws(LeaseFailure) { throw .local("no client") }
}
