/// Writes the protocol-buffers wire format. Scalar fields at their proto3 default (0, false, "",
/// empty bytes) are left out, as protoc leaves them out; repeated fields write every element;
/// a message field is written when present (an optional) or when not empty.
package struct ProtoWriter: Sendable {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    package mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    package mutating func uint64(_ field: Int, _ value: UInt64) {
        guard value != 0 else { return }
        key(field, .varint)
        varint(value)
    }

    package mutating func int64(_ field: Int, _ value: Int64) {
        uint64(field, UInt64(bitPattern: value))
    }

    /// A negative int32 takes ten bytes: it is sign-extended to 64 bits, as the format says.
    package mutating func int32(_ field: Int, _ value: Int32) {
        uint64(field, UInt64(bitPattern: Int64(value)))
    }

    package mutating func bool(_ field: Int, _ value: Bool) {
        uint64(field, value ? 1 : 0)
    }

    package mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        lengthDelimited(field, Array(value.utf8))
    }

    package mutating func bytes(_ field: Int, _ value: [UInt8]) {
        guard !value.isEmpty else { return }
        lengthDelimited(field, value)
    }

    /// A repeated string: every element, empty ones too.
    package mutating func strings(_ field: Int, _ values: [String]) {
        for value in values { lengthDelimited(field, Array(value.utf8)) }
    }

    /// An optional message field: written when present, even empty (its presence is the value).
    package mutating func message<M: ProtoMessage>(_ field: Int, _ value: M?) {
        guard let value else { return }
        lengthDelimited(field, value.encoded())
    }

    /// A singular message field without presence: left out when it equals the empty message.
    package mutating func messageUnlessEmpty<M: ProtoMessage>(_ field: Int, _ value: M) {
        let encoded = value.encoded()
        guard !encoded.isEmpty else { return }
        lengthDelimited(field, encoded)
    }

    package mutating func messages<M: ProtoMessage>(_ field: Int, _ values: [M]) {
        for value in values { lengthDelimited(field, value.encoded()) }
    }

    /// A repeated enum or integer field, packed as proto3 packs them.
    package mutating func packedVarints(_ field: Int, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        var inner = ProtoWriter()
        for value in values { inner.varint(value) }
        lengthDelimited(field, inner.bytes)
    }

    package mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }
}
