// Messages of the protobuf package `google.protobuf` (well-known types): Any, Duration, Timestamp.

/// `google.protobuf.Any`: a message with the URL of its type.
package struct ProtoAny: ProtoMessage {
    package static let protoName = "google.protobuf.Any"
    package static let typeURLPrefix = "type.googleapis.com/"
    package var typeURL = ""
    package var value: [UInt8] = []

    package init() {}

    package init(typeURL: String, value: [UInt8]) {
        self.typeURL = typeURL
        self.value = value
    }

    /// `message` with the type URL `type.googleapis.com/<its full name>`.
    package init<M: ProtoMessage>(packing message: M) {
        self.init(typeURL: Self.typeURLPrefix + M.protoName, value: message.encoded())
    }

    /// The full name after the URL's last `/`, as the format defines it.
    package var typeName: Substring {
        typeURL.lastIndex(of: "/").map { typeURL[typeURL.index(after: $0)...] } ?? typeURL[...]
    }

    package func holds<M: ProtoMessage>(_ type: M.Type) -> Bool { typeName == M.protoName }

    /// The packed message, or nil when this holds another type.
    package func unpack<M: ProtoMessage>(_ type: M.Type) throws(ProtoError) -> M? {
        guard holds(type) else { return nil }
        return try M(decoding: value)
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: typeURL = try reader.string()
            case 2: value = try reader.bytes()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, typeURL)
        writer.bytes(2, value)
    }
}

/// The shape Duration and Timestamp share: seconds, then nanoseconds.
package protocol ProtoSecondsAndNanos: ProtoMessage {
    var seconds: Int64 { get set }
    var nanos: Int32 { get set }
}

extension ProtoSecondsAndNanos {
    package init(seconds: Int64, nanos: Int32 = 0) {
        self.init()
        self.seconds = seconds
        self.nanos = nanos
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: seconds = try reader.int64()
            case 2: nanos = try reader.int32()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.int64(1, seconds)
        writer.int32(2, nanos)
    }
}

/// `google.protobuf.Duration`: seconds and nanoseconds of the same sign.
package struct ProtoDuration: ProtoSecondsAndNanos {
    package static let protoName = "google.protobuf.Duration"
    package var seconds: Int64 = 0
    package var nanos: Int32 = 0
    package init() {}
}

/// `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix epoch.
package struct ProtoTimestamp: ProtoSecondsAndNanos {
    package static let protoName = "google.protobuf.Timestamp"
    package var seconds: Int64 = 0
    package var nanos: Int32 = 0
    package init() {}
}
