// Messages of the protobuf package `build.bazel.remote.execution.v2` (REAPI): the ActionCache and
// ContentAddressableStorage services.

package struct GetActionResultRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.GetActionResultRequest"
    package var instanceName = ""
    package var actionDigest = Digest()
    package var inlineStdout = false
    package var inlineStderr = false

    package init() {}

    package init(instanceName: String, actionDigest: Digest, inlineStdout: Bool = false, inlineStderr: Bool = false) {
        self.instanceName = instanceName
        self.actionDigest = actionDigest
        self.inlineStdout = inlineStdout
        self.inlineStderr = inlineStderr
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: instanceName = try reader.string()
            case 2: actionDigest = try reader.message()
            case 3: inlineStdout = try reader.bool()
            case 4: inlineStderr = try reader.bool()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, instanceName)
        writer.messageUnlessEmpty(2, actionDigest)
        writer.bool(3, inlineStdout)
        writer.bool(4, inlineStderr)
    }
}

package struct UpdateActionResultRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.UpdateActionResultRequest"
    package var instanceName = ""
    package var actionDigest = Digest()
    package var actionResult = ActionResult()

    package init() {}

    package init(instanceName: String, actionDigest: Digest, actionResult: ActionResult) {
        self.instanceName = instanceName
        self.actionDigest = actionDigest
        self.actionResult = actionResult
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: instanceName = try reader.string()
            case 2: actionDigest = try reader.message()
            case 3: actionResult = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, instanceName)
        writer.messageUnlessEmpty(2, actionDigest)
        // Written even empty: the request is about storing a result.
        writer.message(3, actionResult)
    }
}

package struct FindMissingBlobsRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.FindMissingBlobsRequest"
    package var instanceName = ""
    package var blobDigests: [Digest] = []

    package init() {}

    package init(instanceName: String, blobDigests: [Digest]) {
        self.instanceName = instanceName
        self.blobDigests = blobDigests
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: instanceName = try reader.string()
            case 2: blobDigests.append(try reader.message())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, instanceName)
        writer.messages(2, blobDigests)
    }
}

package struct FindMissingBlobsResponse: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.FindMissingBlobsResponse"
    package var missingBlobDigests: [Digest] = []

    package init() {}
    package init(missingBlobDigests: [Digest]) { self.missingBlobDigests = missingBlobDigests }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 2 { missingBlobDigests.append(try reader.message()) }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messages(2, missingBlobDigests)
    }
}

package struct BatchUpdateBlobsRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.BatchUpdateBlobsRequest"

    package struct Request: ProtoMessage {
        package static let protoName = "build.bazel.remote.execution.v2.BatchUpdateBlobsRequest.Request"
        package var digest = Digest()
        package var data: [UInt8] = []

        package init() {}

        package init(digest: Digest, data: [UInt8]) {
            self.digest = digest
            self.data = data
        }

        package init(from reader: inout ProtoReader) throws(ProtoError) {
            self.init()
            while let field = try reader.next() {
                switch field {
                case 1: digest = try reader.message()
                case 2: data = try reader.bytes()
                default: break
                }
            }
        }

        package func encode(to writer: inout ProtoWriter) {
            writer.messageUnlessEmpty(1, digest)
            writer.bytes(2, data)
        }
    }

    package var instanceName = ""
    package var requests: [Request] = []

    package init() {}

    package init(instanceName: String, requests: [Request]) {
        self.instanceName = instanceName
        self.requests = requests
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: instanceName = try reader.string()
            case 2: requests.append(try reader.message())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, instanceName)
        writer.messages(2, requests)
    }
}

package struct BatchUpdateBlobsResponse: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.BatchUpdateBlobsResponse"

    package struct Response: ProtoMessage {
        package static let protoName = "build.bazel.remote.execution.v2.BatchUpdateBlobsResponse.Response"
        package var digest = Digest()
        /// Absent means OK, as for any proto3 message field.
        package var status = RpcStatus()

        package init() {}

        package init(digest: Digest, status: RpcStatus = RpcStatus()) {
            self.digest = digest
            self.status = status
        }

        package init(from reader: inout ProtoReader) throws(ProtoError) {
            self.init()
            while let field = try reader.next() {
                switch field {
                case 1: digest = try reader.message()
                case 2: status = try reader.message()
                default: break
                }
            }
        }

        package func encode(to writer: inout ProtoWriter) {
            writer.messageUnlessEmpty(1, digest)
            writer.messageUnlessEmpty(2, status)
        }
    }

    package var responses: [Response] = []

    package init() {}
    package init(responses: [Response]) { self.responses = responses }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { responses.append(try reader.message()) }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messages(1, responses)
    }
}

package struct BatchReadBlobsRequest: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.BatchReadBlobsRequest"
    package var instanceName = ""
    package var digests: [Digest] = []

    package init() {}

    package init(instanceName: String, digests: [Digest]) {
        self.instanceName = instanceName
        self.digests = digests
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: instanceName = try reader.string()
            case 2: digests.append(try reader.message())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, instanceName)
        writer.messages(2, digests)
    }
}

package struct BatchReadBlobsResponse: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.BatchReadBlobsResponse"

    package struct Response: ProtoMessage {
        package static let protoName = "build.bazel.remote.execution.v2.BatchReadBlobsResponse.Response"
        package var digest = Digest()
        package var data: [UInt8] = []
        /// Absent means OK, as for any proto3 message field.
        package var status = RpcStatus()

        package init() {}

        package init(digest: Digest, data: [UInt8], status: RpcStatus = RpcStatus()) {
            self.digest = digest
            self.data = data
            self.status = status
        }

        package init(from reader: inout ProtoReader) throws(ProtoError) {
            self.init()
            while let field = try reader.next() {
                switch field {
                case 1: digest = try reader.message()
                case 2: data = try reader.bytes()
                case 3: status = try reader.message()
                default: break
                }
            }
        }

        package func encode(to writer: inout ProtoWriter) {
            writer.messageUnlessEmpty(1, digest)
            writer.bytes(2, data)
            writer.messageUnlessEmpty(3, status)
        }
    }

    package var responses: [Response] = []

    package init() {}
    package init(responses: [Response]) { self.responses = responses }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { responses.append(try reader.message()) }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messages(1, responses)
    }
}
