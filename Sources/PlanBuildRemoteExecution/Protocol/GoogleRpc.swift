// Messages of the protobuf package `google.rpc`: Status.

/// `google.rpc.Status`: a gRPC status code (0 is OK) and its message; details are kept as `Any`s.
package struct RpcStatus: ProtoMessage {
    package static let protoName = "google.rpc.Status"
    package var code: Int32 = 0
    package var message = ""
    package var details: [ProtoAny] = []

    package init() {}

    package init(code: Int32, message: String = "", details: [ProtoAny] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    package var isOK: Bool { code == 0 }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: code = try reader.int32()
            case 2: message = try reader.string()
            case 3: details.append(try reader.message())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.int32(1, code)
        writer.string(2, message)
        writer.messages(3, details)
    }
}
