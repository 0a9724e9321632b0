import PlanBuildExecution
import PlanBuildSupport

/// Execute and its operation stream: stages as they come, WaitExecution when a stream ends before
/// the operation is done, CancelOperation when the caller cancels.
extension REAPIClient {
    static let executionService = "/build.bazel.remote.execution.v2.Execution/"
    /// Streams in a row that end without news before the client gives up on the operation.
    static let silentStreamsAllowed = 3
    /// The deadline of the CancelOperation sent after a cancellation: short, it is a courtesy.
    static let cancelDeadlineSeconds = 5.0

    /// Executes the action (uploaded with its command and inputs beforehand) and waits for its
    /// end, within `deadlineSeconds` in all (the action's own timeout plus time in the queue).
    /// `stage` hears every stage the server reports. The response may carry an error status
    /// (the action did not finish) and then perhaps no result: the caller decides. `priority`,
    /// when not nil, is the ExecutionPolicy's: lower runs sooner, in the server's own range.
    package func execute(actionDigest: Digest, skipCacheLookup: Bool = false, priority: Int32? = nil, deadlineSeconds: Double,
                         cancellation: CancellationToken? = nil,
                         stage: (ExecutionStage) -> Void = { _ in }) throws(RemoteExecutionError) -> ExecuteResponse {
        let cancellation = cancellation ?? self.cancellation
        let started = MonotonicClock.milliseconds()
        var operationName: String?
        var silentStreams = 0
        var method = "Execute"
        var request = ExecuteRequest(instanceName: instanceName, skipCacheLookup: skipCacheLookup, actionDigest: actionDigest,
                                     executionPolicy: priority.map(ExecutionPolicy.init(priority:))).encoded()
        while true {
            let remaining = deadlineSeconds - Double(MonotonicClock.milliseconds() - started) / 1000
            guard remaining > 0 else {
                cancel(operationName)
                throw RemoteExecutionError(.deadline, "\(method): the action did not end within \(Int(deadlineSeconds)) s")
            }
            var done: Operation?
            var heard = false
            var malformed: RemoteExecutionError?
            let outcome = channel.serverStreaming(Self.executionService + method, request, deadlineSeconds: remaining,
                                                  maximumMessageBytes: Self.messageLimit, cancellation: cancellation) { message in
                do throws(ProtoError) {
                    let operation = try Operation(decoding: message)
                    heard = true
                    if !operation.name.isEmpty { operationName = operation.name }
                    if let metadata = try operation.metadata?.unpack(ExecuteOperationMetadata.self) { stage(metadata.stage) }
                    if operation.done {
                        done = operation
                        return false
                    }
                    return true
                } catch {
                    malformed = RemoteExecutionError(error, during: method)
                    return false
                }
            }
            if let malformed { throw malformed }
            switch outcome {
            case .failure(.cancelled):
                cancel(operationName)
                throw RemoteExecutionError(.cancelled, "\(method): cancelled")
            case .failure(let failure):
                if case .deadlineExceeded = failure { cancel(operationName) }
                throw RemoteExecutionError(failure, during: method)
            case .success:
                break
            }
            if let done { return try Self.response(of: done) }
            // The stream ended before the operation was done: follow it again by name.
            guard let name = operationName else {
                throw RemoteExecutionError(.malformed, "\(method): the stream ended without naming its operation")
            }
            silentStreams = heard ? 0 : silentStreams + 1
            guard silentStreams < Self.silentStreamsAllowed else {
                throw RemoteExecutionError(.malformed, "WaitExecution: \(Self.silentStreamsAllowed) streams in a row ended without news of \(name)")
            }
            method = "WaitExecution"
            request = WaitExecutionRequest(name: name).encoded()
        }
    }

    /// The ExecuteResponse of a done operation; an operation that failed as a whole (its `error`)
    /// is the server's error.
    static func response(of operation: Operation) throws(RemoteExecutionError) -> ExecuteResponse {
        if let error = operation.error, !error.isOK {
            throw RemoteExecutionError(.server(Int(error.code)),
                "operation \(operation.name): \(GrpcStatusCode.name(of: Int(error.code))): \(error.message)")
        }
        guard let any = operation.response else {
            throw RemoteExecutionError(.malformed, "operation \(operation.name) is done without a response")
        }
        let unpacked: ExecuteResponse?
        do throws(ProtoError) {
            unpacked = try any.unpack(ExecuteResponse.self)
        } catch {
            throw RemoteExecutionError(error, during: "operation \(operation.name)")
        }
        guard let unpacked else {
            throw RemoteExecutionError(.malformed, "operation \(operation.name): a response of type \(any.typeURL)")
        }
        return unpacked
    }

    /// Asks the server to stop the operation; a courtesy whose failure changes nothing.
    private func cancel(_ operationName: String?) {
        guard let operationName else { return }
        _ = channel.unary("/google.longrunning.Operations/CancelOperation", CancelOperationRequest(name: operationName).encoded(),
                          deadlineSeconds: Self.cancelDeadlineSeconds, maximumReplyBytes: 1 << 10, cancellation: nil)
    }
}
