import PlanBuildSupport
import PlanBuildExecution

/// The worker's one connection to the server: the Bots service for the session and the CAS for
/// the actions' blobs, both through REAPIClient. Its errors become what the session loop and the
/// lease runner act on.
package struct WorkerConnection: BotsConnection, ActionStore {
    let client: REAPIClient

    package init(_ settings: WorkerSettings) throws(RemoteExecutionError) {
        client = REAPIClient(channel: try GrpcChannel(target: settings.server), instanceName: settings.instance)
    }

    // MARK: Bots

    package func create(_ request: CreateBotSessionRequest, deadlineSeconds: Double,
                        cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure> {
        // The call waits for work like UpdateBotSession: it gets the long poll's deadline and the stop's token.
        do throws(RemoteExecutionError) {
            return .success(try client.call("/google.devtools.remoteworkers.v1test2.Bots/CreateBotSession", request,
                                            deadlineSeconds: deadlineSeconds, cancellation: cancellation))
        } catch {
            return .failure(Self.failure(error, creating: true))
        }
    }

    package func update(_ request: UpdateBotSessionRequest, deadlineSeconds: Double,
                        cancellation: CancellationToken?) -> Result<BotSession, BotsCallFailure> {
        do throws(RemoteExecutionError) {
            return .success(try client.updateBotSession(request.botSession, deadlineSeconds: deadlineSeconds,
                                                        cancellation: cancellation))
        } catch {
            return .failure(Self.failure(error, creating: false))
        }
    }

    /// BuildGrid ends a call for a session it no longer knows with INVALID_ARGUMENT ("bot does not
    /// exist"), DATA_LOSS (closed), NOT_FOUND or ABORTED (replaced); it refuses a new session it
    /// cannot use with INVALID_ARGUMENT or FAILED_PRECONDITION (properties no property set has).
    static func failure(_ error: RemoteExecutionError, creating: Bool) -> BotsCallFailure {
        switch error.code {
        case .cancelled:
            return .cancelled
        case .server(let code):
            switch GrpcStatusCode(rawValue: code) {
            case .invalidArgument, .notFound, .failedPrecondition, .permissionDenied, .unimplemented, .unauthenticated:
                return creating ? .refused(error.message) : .sessionGone(error.message)
            case .aborted, .dataLoss:
                return creating ? .unreachable(error.message) : .sessionGone(error.message)
            default:
                return .unreachable(error.message)
            }
        case .local:
            return .refused(error.message)
        case .unreachable, .deadline, .malformed, .digestMismatch, .tooLarge:
            return .unreachable(error.message)
        }
    }

    // MARK: CAS

    package func contents(of digests: [Digest]) throws(LeaseFailure) -> [Digest: [UInt8]] {
        do throws(RemoteExecutionError) {
            return try client.read(many: digests)
        } catch {
            throw Self.failure(error)
        }
    }

    package func write(_ digest: Digest, to descriptor: Int32) throws(LeaseFailure) {
        do throws(RemoteExecutionError) {
            try client.readToFile(digest, descriptor: descriptor)
        } catch {
            throw Self.failure(error)
        }
    }

    package func missing(_ digests: [Digest]) throws(LeaseFailure) -> Set<Digest> {
        do throws(RemoteExecutionError) {
            return Set(try client.findMissing(digests))
        } catch {
            throw Self.failure(error)
        }
    }

    package func upload(_ blobs: [(Digest, [UInt8])]) throws(LeaseFailure) {
        do throws(RemoteExecutionError) {
            try client.upload(blobs: blobs)
        } catch {
            throw Self.failure(error)
        }
    }

    package func uploadFile(_ descriptor: Int32, digest: Digest) throws(LeaseFailure) {
        // From the start, whatever the descriptor's position (the log's is at its end).
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw .local("cannot read a file to upload: \(SystemCall.reason(errno))") }
        do throws(RemoteExecutionError) {
            try client.uploadFile(descriptor: descriptor, digest: digest)
        } catch {
            throw Self.failure(error)
        }
    }

    /// A CAS failure as the lease's status: a missing blob is FAILED_PRECONDITION (REAPI's word for
    /// a missing input), a blob that is not what its digest says INVALID_ARGUMENT, a server that
    /// cannot be reached UNAVAILABLE (another try, maybe on another worker).
    static func failure(_ error: RemoteExecutionError) -> LeaseFailure {
        switch error.code {
        case .server(let code) where code == GrpcStatusCode.notFound.rawValue: return .missing(error.message)
        case .digestMismatch, .tooLarge: return .invalid(error.message)
        case .local: return .local(error.message)
        case .server, .unreachable, .deadline, .cancelled, .malformed: return .unavailable(error.message)
        }
    }
}
