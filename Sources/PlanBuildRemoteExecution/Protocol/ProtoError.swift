/// Why bytes are not a valid protocol-buffers message. A message comes from a server or a worker
/// and is hostile until decoded: every way it can be wrong is one of these, never a trap.
package enum ProtoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes end inside a key, a varint, a fixed-width value or a length-delimited value.
    case truncated
    /// A varint longer than ten bytes, or a tenth byte carrying bits past 64.
    case overlongVarint
    /// A length-delimited value whose length reaches past the end of its enclosing message.
    case lengthPastEnd
    /// Field number 0 or above 2^29 - 1.
    case invalidFieldNumber(UInt64)
    /// A wire type proto3 never writes (groups, 6, 7).
    case unsupportedWireType(Int)
    /// A known field with a wire type other than its declared type's.
    case wrongWireType(field: Int, wireType: Int)
    /// Messages nested deeper than `ProtoReader.maximumDepth`.
    case tooDeep
    /// A string field that is not UTF-8.
    case invalidUTF8(field: Int)
    /// A read of a value when no field was announced by `next()` (a decoder's own mistake).
    case noCurrentField

    package var description: String {
        switch self {
        case .truncated: return "the message ends inside a value"
        case .overlongVarint: return "a varint longer than 64 bits"
        case .lengthPastEnd: return "a length reaches past the end of the message"
        case .invalidFieldNumber(let number): return "field number \(number) is not valid"
        case .unsupportedWireType(let type): return "wire type \(type) is not supported"
        case .wrongWireType(let field, let type): return "field \(field) has wire type \(type), not its declared type's"
        case .tooDeep: return "messages nested deeper than \(ProtoReader.maximumDepth)"
        case .invalidUTF8(let field): return "field \(field) is not UTF-8"
        case .noCurrentField: return "a value read before its field"
        }
    }
}

/// The wire types proto3 uses: varint, 64-bit, length-delimited, 32-bit.
package enum WireType: Int, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}
