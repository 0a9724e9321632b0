// Messages of the protobuf package `google.longrunning`: Operation and the requests on it.

/// `google.longrunning.Operation`: an execution in progress (metadata) or done (an error or a response).
package struct Operation: ProtoMessage {
    package static let protoName = "google.longrunning.Operation"
    package var name = ""
    package var metadata: ProtoAny?
    package var done = false
    package var error: RpcStatus?
    package var response: ProtoAny?

    package init() {}

    package init(name: String, metadata: ProtoAny? = nil, done: Bool = false, error: RpcStatus? = nil, response: ProtoAny? = nil) {
        self.name = name
        self.metadata = metadata
        self.done = done
        self.error = error
        self.response = response
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: name = try reader.string()
            case 2: metadata = try reader.message()
            case 3: done = try reader.bool()
            case 4: error = try reader.message()
            case 5: response = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
        writer.message(2, metadata)
        writer.bool(3, done)
        writer.message(4, error)
        writer.message(5, response)
    }
}

/// `google.longrunning.CancelOperationRequest`.
package struct CancelOperationRequest: ProtoMessage {
    package static let protoName = "google.longrunning.CancelOperationRequest"
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
