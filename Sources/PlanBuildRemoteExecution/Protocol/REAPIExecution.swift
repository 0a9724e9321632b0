// Messages of the protobuf package `build.bazel.remote.execution.v2` (REAPI): the Execution
// service — ExecuteRequest, ExecutionPolicy, ExecuteResponse, ExecutionStage, ExecuteOperationMetadata,
// WaitExecutionRequest.

package struct ExecuteRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ExecuteRequest"
    package var instanceName = ""
    package var skipCacheLookup = false
    package var actionDigest = Digest()
    package var executionPolicy: ExecutionPolicy?

    package init() {}

    package init(instanceName: String, skipCacheLookup: Bool = false, actionDigest: Digest, executionPolicy: ExecutionPolicy? = nil) {
        self.instanceName = instanceName
        self.skipCacheLookup = skipCacheLookup
        self.actionDigest = actionDigest
        self.executionPolicy = executionPolicy
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: instanceName = try reader.string()
            case 3: skipCacheLookup = try reader.bool()
            case 6: actionDigest = try reader.message()
            case 7: executionPolicy = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, instanceName)
        writer.bool(3, skipCacheLookup)
        writer.messageUnlessEmpty(6, actionDigest)
        writer.message(7, executionPolicy)
    }
}

/// How the server should schedule an execution: its priority, where lower runs sooner and 0 is
/// the server's default (the range is the server's; negative is allowed).
package struct ExecutionPolicy: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ExecutionPolicy"
    package var priority: Int32 = 0

    package init() {}
    package init(priority: Int32) { self.priority = priority }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { priority = try reader.int32() }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.int32(1, priority)
    }
}

/// The end of an execution, in a done `Operation`'s response. A status other than OK means the
/// action did not finish (a timeout, a lost worker); `result` may then be absent.
package struct ExecuteResponse: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ExecuteResponse"
    package var result: ActionResult?
    package var cachedResult = false
    package var status: RpcStatus?
    package var message = ""

    package init() {}

    package init(result: ActionResult?, cachedResult: Bool = false, status: RpcStatus? = nil, message: String = "") {
        self.result = result
        self.cachedResult = cachedResult
        self.status = status
        self.message = message
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: result = try reader.message()
            case 2: cachedResult = try reader.bool()
            case 3: status = try reader.message()
            case 5: message = try reader.string()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.message(1, result)
        writer.bool(2, cachedResult)
        writer.message(3, status)
        writer.string(5, message)
    }
}

/// `ExecutionStage.Value`. A value a newer server sends that this one does not name still decodes.
package struct ExecutionStage: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }

    package static let unknown = ExecutionStage(rawValue: 0)
    package static let cacheCheck = ExecutionStage(rawValue: 1)
    package static let queued = ExecutionStage(rawValue: 2)
    package static let executing = ExecutionStage(rawValue: 3)
    package static let completed = ExecutionStage(rawValue: 4)

    package var description: String {
        switch rawValue {
        case 0: return "unknown"
        case 1: return "cache-check"
        case 2: return "queued"
        case 3: return "executing"
        case 4: return "completed"
        default: return "stage \(rawValue)"
        }
    }
}

/// An execution's progress, in a running `Operation`'s metadata.
package struct ExecuteOperationMetadata: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ExecuteOperationMetadata"
    package var stage = ExecutionStage.unknown
    package var actionDigest = Digest()

    package init() {}

    package init(stage: ExecutionStage, actionDigest: Digest) {
        self.stage = stage
        self.actionDigest = actionDigest
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: stage = ExecutionStage(rawValue: try reader.int32())
            case 2: actionDigest = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.int32(1, stage.rawValue)
        writer.messageUnlessEmpty(2, actionDigest)
    }
}

/// Follows an execution again after its stream ended before it was done.
package struct WaitExecutionRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.WaitExecutionRequest"
    package var name = ""

    package init() {}
    package init(name: String) { self.name = name }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { name = try reader.string() }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
    }
}
