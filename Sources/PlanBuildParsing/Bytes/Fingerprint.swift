/// A 64-bit hash fed piece by piece, the one every parser uses to tell apart issues, tests and
/// repeated lines without keeping their text. Each piece is mixed in with its length, so pieces
/// need no separators. Not for adversaries (no per-process seed): it only compares the lines of
/// one log.
///
/// A piece is read 16 bytes at a time, each pair of 8-byte words folded by one 64×64→128-bit
/// multiply (the high half xor the low half), three such chains side by side for long pieces so
/// the multiplies overlap; the last 16 bytes (or fewer: two overlapping loads) close the piece.
/// (A multiply per 8-byte word in one serial chain and a byte loop for the tail made this 7.5 % of
/// a pytest log's parse time; it is now about 4.5 %.)
struct Fingerprint {
    private var state: UInt64

    /// Odd constants whose bytes are no text (control and non-ASCII bytes): a word of a log line
    /// xor-ed with one is never zero, which would erase the other factor of its multiply.
    private static let first: UInt64 = 0xA076_1D64_78BD_642F
    private static let second: UInt64 = 0xE703_7ED1_A0B4_28DB
    private static let third: UInt64 = 0x8EBC_6AF0_9C88_C6E3

    /// `kind` keeps fingerprints of different sorts of things apart.
    init(kind: Int = 0) { state = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: kind &+ 1) }

    @inline(__always) private mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 32
    }

    /// The 128-bit product of `a` and `b` folded to 64 bits: every bit of each reaches the result.
    @inline(__always) private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        let length = UInt64(truncatingIfNeeded: count)
        var seed = state ^ Self.fold(length ^ Self.third, Self.second)
        // The piece's bytes as two words: all of them for up to 16 bytes (the words overlap or
        // hold fewer bytes, and the length tells them apart), else the last 16 after the chains.
        var low: UInt64 = 0
        var high: UInt64 = 0
        if let base = bytes.baseAddress, count > 0 {
            let raw = UnsafeRawPointer(base)
            @inline(__always) func word(_ offset: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            if count >= 8 && count <= 16 {
                low = word(0)
                high = word(count - 8)
            } else if count >= 4 && count < 8 {
                low = UInt64(raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
                high = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            } else if count < 4 {
                low = UInt64(base[0]) << 16 | UInt64(base[count >> 1]) << 8 | UInt64(base[count - 1])
            } else {
                var offset = 0
                if count > 48 {
                    var middle = seed ^ Self.second
                    var last = seed ^ Self.third
                    while count - offset > 48 {
                        seed = Self.fold(word(offset) ^ Self.first, word(offset + 8) ^ seed)
                        middle = Self.fold(word(offset + 16) ^ Self.second, word(offset + 24) ^ middle)
                        last = Self.fold(word(offset + 32) ^ Self.third, word(offset + 40) ^ last)
                        offset += 48
                    }
                    seed ^= middle ^ last
                }
                while count - offset > 16 {
                    seed = Self.fold(word(offset) ^ Self.first, word(offset + 8) ^ seed)
                    offset += 16
                }
                low = word(count - 16)
                high = word(count - 8)
            }
        }
        state = Self.fold(Self.first ^ length, Self.fold(low ^ Self.first, high ^ seed))
    }

    mutating func add(_ text: String) {
        var copy = text
        copy.withUTF8 { add($0) }
    }

    /// A number, or its absence (distinct from every number a log holds).
    mutating func add(_ value: Int?) { mix(UInt64(bitPattern: Int64(value ?? Int.min))) }

    /// The finished hash.
    var value: UInt64 {
        var value = state
        value ^= value >> 29
        value = value &* 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 32
        return value
    }
}
