/// Reads the protocol-buffers wire format from bytes that may be hostile: every read is bounded by
/// the end of its enclosing message, every length is checked before it is used, nesting is limited
/// to `maximumDepth`, and anything wrong is a `ProtoError`, never a trap.
///
/// A decoder asks `next()` for each field's number and reads the value with the typed read that
/// matches its declaration; a field it does not read (an unknown one) is skipped by the next `next()`.
package struct ProtoReader: Sendable {
    /// Deeper than this is refused: REAPI's own messages nest a few levels, and a hostile peer
    /// must not be able to exhaust the stack by nesting.
    package static let maximumDepth = 32

    private let buffer: [UInt8]
    private var position: Int
    private let end: Int
    package let depth: Int
    /// The field `next()` announced whose value has not been read yet.
    private var current: (number: Int, type: Int)?

    package init(_ bytes: [UInt8]) {
        self.init(buffer: bytes, start: 0, end: bytes.count, depth: 0)
    }

    private init(buffer: [UInt8], start: Int, end: Int, depth: Int) {
        self.buffer = buffer
        self.position = start
        self.end = end
        self.depth = depth
    }

    /// The number of the next field, or nil at the end of the message. An unread value of the
    /// previous field is skipped first.
    package mutating func next() throws(ProtoError) -> Int? {
        if current != nil { try skip() }
        guard position < end else { return nil }
        let key = try varint()
        let number = key >> 3
        guard number >= 1, number <= 0x1FFF_FFFF else { throw .invalidFieldNumber(number) }
        let type = Int(key & 7)
        guard WireType(rawValue: type) != nil else { throw .unsupportedWireType(type) }
        current = (Int(number), type)
        return Int(number)
    }

    // MARK: Typed reads of the current field's value

    package mutating func uint64() throws(ProtoError) -> UInt64 {
        try expect(.varint)
        return try varint()
    }

    package mutating func int64() throws(ProtoError) -> Int64 {
        Int64(bitPattern: try uint64())
    }

    /// The low 32 bits, as protobuf reads an int32 (a negative one arrives sign-extended).
    package mutating func int32() throws(ProtoError) -> Int32 {
        Int32(truncatingIfNeeded: try uint64())
    }

    package mutating func bool() throws(ProtoError) -> Bool {
        try uint64() != 0
    }

    package mutating func bytes() throws(ProtoError) -> [UInt8] {
        let range = try lengthDelimited()
        return Array(buffer[range])
    }

    package mutating func string() throws(ProtoError) -> String {
        let field = current?.number ?? 0
        let range = try lengthDelimited()
        guard let text = String(validating: buffer[range], as: UTF8.self) else { throw .invalidUTF8(field: field) }
        return text
    }

    package mutating func message<M: ProtoMessage>(_ type: M.Type = M.self) throws(ProtoError) -> M {
        let range = try lengthDelimited()
        guard depth < Self.maximumDepth else { throw .tooDeep }
        var inner = ProtoReader(buffer: buffer, start: range.lowerBound, end: range.upperBound, depth: depth + 1)
        return try M(from: &inner)
    }

    /// A repeated varint field (enums): packed (one length-delimited run) or one value per field,
    /// both of which a writer may send.
    package mutating func varints() throws(ProtoError) -> [UInt64] {
        guard let field = current else { throw .noCurrentField }
        if field.type == WireType.varint.rawValue { return [try uint64()] }
        let range = try lengthDelimited()
        var inner = ProtoReader(buffer: buffer, start: range.lowerBound, end: range.upperBound, depth: depth)
        var values: [UInt64] = []
        while inner.position < inner.end { values.append(try inner.varint()) }
        return values
    }

    /// Skips the current field's value.
    package mutating func skip() throws(ProtoError) {
        guard let field = current else { throw .noCurrentField }
        current = nil
        switch WireType(rawValue: field.type) {
        case .varint: _ = try varint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited:
            current = field
            _ = try lengthDelimited()
        case nil: throw .unsupportedWireType(field.type)
        }
    }

    // MARK: The wire

    private mutating func expect(_ type: WireType) throws(ProtoError) {
        guard let field = current else { throw .noCurrentField }
        guard field.type == type.rawValue else { throw .wrongWireType(field: field.number, wireType: field.type) }
        current = nil
    }

    private mutating func lengthDelimited() throws(ProtoError) -> Range<Int> {
        try expect(.lengthDelimited)
        let length = try varint()
        // Compared as unsigned before any arithmetic: a length of 2^63 must not wrap an Int.
        guard length <= UInt64(end - position) else { throw .lengthPastEnd }
        let start = position
        position += Int(length)
        return start..<position
    }

    private mutating func advance(_ count: Int) throws(ProtoError) {
        guard end - position >= count else { throw .truncated }
        position += count
    }

    private mutating func varint() throws(ProtoError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated }
            let byte = buffer[position]
            position += 1
            // The tenth byte may carry only the 64th bit.
            if shift == 63, byte > 1 { throw .overlongVarint }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw .overlongVarint }
        }
    }
}
