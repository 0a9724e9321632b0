// Messages of the protobuf package `google.bytestream`: Read and Write of large blobs.

/// `google.bytestream.ReadRequest`: `{instance}/blobs/{hash}/{size}` from an offset.
package struct ReadRequest: ProtoMessage {
    package static let protoName = "google.bytestream.ReadRequest"
    package var resourceName = ""
    package var readOffset: Int64 = 0
    /// 0: no limit.
    package var readLimit: Int64 = 0

    package init() {}

    package init(resourceName: String, readOffset: Int64 = 0, readLimit: Int64 = 0) {
        self.resourceName = resourceName
        self.readOffset = readOffset
        self.readLimit = readLimit
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: resourceName = try reader.string()
            case 2: readOffset = try reader.int64()
            case 3: readLimit = try reader.int64()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, resourceName)
        writer.int64(2, readOffset)
        writer.int64(3, readLimit)
    }
}

/// `google.bytestream.ReadResponse`: one piece of the blob.
package struct ReadResponse: ProtoMessage {
    package static let protoName = "google.bytestream.ReadResponse"
    package var data: [UInt8] = []

    package init() {}
    package init(data: [UInt8]) { self.data = data }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 10 { data = try reader.bytes() }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.bytes(10, data)
    }
}

/// `google.bytestream.WriteRequest`: one piece of an upload to
/// `{instance}/uploads/{uuid}/blobs/{hash}/{size}`; the name is needed in the first piece only.
package struct WriteRequest: ProtoMessage {
    package static let protoName = "google.bytestream.WriteRequest"
    package var resourceName = ""
    package var writeOffset: Int64 = 0
    package var finishWrite = false
    package var data: [UInt8] = []

    package init() {}

    package init(resourceName: String, writeOffset: Int64, finishWrite: Bool, data: [UInt8]) {
        self.resourceName = resourceName
        self.writeOffset = writeOffset
        self.finishWrite = finishWrite
        self.data = data
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: resourceName = try reader.string()
            case 2: writeOffset = try reader.int64()
            case 3: finishWrite = try reader.bool()
            case 10: data = try reader.bytes()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, resourceName)
        writer.int64(2, writeOffset)
        writer.bool(3, finishWrite)
        writer.bytes(10, data)
    }
}

/// `google.bytestream.WriteResponse`: how many bytes the server holds.
package struct WriteResponse: ProtoMessage {
    package static let protoName = "google.bytestream.WriteResponse"
    package var committedSize: Int64 = 0

    package init() {}
    package init(committedSize: Int64) { self.committedSize = committedSize }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { committedSize = try reader.int64() }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.int64(1, committedSize)
    }
}
