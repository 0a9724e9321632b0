/// A protocol-buffers message with its own encoder and decoder. Encoders write fields in
/// field-number order and leave out proto3 defaults, as protoc does: REAPI names actions, commands
/// and directories by the digest of their encoding, so two writers must give the same bytes.
package protocol ProtoMessage: Equatable, Sendable {
    /// The full protobuf name (`build.bazel.remote.execution.v2.Action`), for `ProtoAny`'s type URL.
    static var protoName: String { get }
    init()
    /// Reads fields until the reader's end; unknown fields are skipped.
    init(from reader: inout ProtoReader) throws(ProtoError)
    func encode(to writer: inout ProtoWriter)
}

extension ProtoMessage {
    package init(decoding bytes: [UInt8]) throws(ProtoError) {
        var reader = ProtoReader(bytes)
        try self.init(from: &reader)
    }

    package func encoded() -> [UInt8] {
        var writer = ProtoWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
