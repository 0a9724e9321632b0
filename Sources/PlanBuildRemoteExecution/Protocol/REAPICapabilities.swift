// Messages of the protobuf package `build.bazel.remote.execution.v2` (REAPI): the Capabilities
// service — what a server can do and its limits.

package struct GetCapabilitiesRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.GetCapabilitiesRequest"
    package var instanceName = ""

    package init() {}
    package init(instanceName: String) { self.instanceName = instanceName }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { instanceName = try reader.string() }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, instanceName)
    }
}

/// `DigestFunction.Value`; values a newer server names still decode.
package struct DigestFunction: RawRepresentable, Hashable, Sendable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }
    package static let unknown = DigestFunction(rawValue: 0)
    package static let sha256 = DigestFunction(rawValue: 1)
}

/// What a server offers: a cache (with its batch limit) and/or execution.
package struct ServerCapabilities: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ServerCapabilities"
    package var cacheCapabilities: CacheCapabilities?
    package var executionCapabilities: ExecutionCapabilities?

    package init() {}

    package init(cacheCapabilities: CacheCapabilities?, executionCapabilities: ExecutionCapabilities?) {
        self.cacheCapabilities = cacheCapabilities
        self.executionCapabilities = executionCapabilities
    }

    /// The most bytes one batch call may carry, or nil when the server sets no limit (0).
    package var maximumBatchTotalSizeBytes: Int64? {
        guard let limit = cacheCapabilities?.maxBatchTotalSizeBytes, limit > 0 else { return nil }
        return limit
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: cacheCapabilities = try reader.message()
            case 2: executionCapabilities = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.message(1, cacheCapabilities)
        writer.message(2, executionCapabilities)
    }
}

package struct CacheCapabilities: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.CacheCapabilities"
    package var digestFunctions: [DigestFunction] = []
    /// Whether clients may write the ActionCache (`ActionCacheUpdateCapabilities.update_enabled`).
    package var actionCacheUpdateEnabled = false
    /// 0: no limit but the transport's.
    package var maxBatchTotalSizeBytes: Int64 = 0

    package init() {}

    package init(digestFunctions: [DigestFunction], actionCacheUpdateEnabled: Bool, maxBatchTotalSizeBytes: Int64) {
        self.digestFunctions = digestFunctions
        self.actionCacheUpdateEnabled = actionCacheUpdateEnabled
        self.maxBatchTotalSizeBytes = maxBatchTotalSizeBytes
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: digestFunctions += try reader.varints().map { DigestFunction(rawValue: Int32(truncatingIfNeeded: $0)) }
            case 2: actionCacheUpdateEnabled = try reader.message(ActionCacheUpdateCapabilities.self).updateEnabled
            case 4: maxBatchTotalSizeBytes = try reader.int64()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.packedVarints(1, digestFunctions.map { UInt64(bitPattern: Int64($0.rawValue)) })
        if actionCacheUpdateEnabled { writer.message(2, ActionCacheUpdateCapabilities(updateEnabled: true)) }
        writer.int64(4, maxBatchTotalSizeBytes)
    }
}

package struct ActionCacheUpdateCapabilities: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ActionCacheUpdateCapabilities"
    package var updateEnabled = false

    package init() {}
    package init(updateEnabled: Bool) { self.updateEnabled = updateEnabled }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { updateEnabled = try reader.bool() }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.bool(1, updateEnabled)
    }
}

package struct ExecutionCapabilities: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ExecutionCapabilities"
    package var digestFunction = DigestFunction.unknown
    package var execEnabled = false

    package init() {}

    package init(digestFunction: DigestFunction, execEnabled: Bool) {
        self.digestFunction = digestFunction
        self.execEnabled = execEnabled
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: digestFunction = DigestFunction(rawValue: try reader.int32())
            case 2: execEnabled = try reader.bool()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.int32(1, digestFunction.rawValue)
        writer.bool(2, execEnabled)
    }
}
