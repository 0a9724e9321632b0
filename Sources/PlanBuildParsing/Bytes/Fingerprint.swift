/// A 64-bit hash fed piece by piece, the one every parser uses to tell apart issues, tests and
/// repeated lines without keeping their text. Each piece is mixed in with its length, so pieces
/// need no separators. Not for adversaries (no per-process seed): it only compares the lines of
/// one log. 8-byte words, multiply and xor-shift; four independent lanes for pieces of 32 bytes
/// or more, so the multiplies overlap.
struct Fingerprint {
    private var state: UInt64

    /// `kind` keeps fingerprints of different sorts of things apart.
    init(kind: Int = 0) { state = 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: kind &+ 1) }

    @inline(__always) private mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 32
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        mix(UInt64(bytes.count))
        guard let base = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        if bytes.count >= 32 {
            var a: UInt64 = 0x2545_F491_4F6C_DD1D, b: UInt64 = 0x9E37_79B9_7F4A_7C15
            var c: UInt64 = 0xD6E8_FEB8_6659_FD93, d: UInt64 = 0xA076_1D64_78BD_642F
            while bytes.count - offset >= 32 {
                a = (a ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                b = (b ^ raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
                c = (c ^ raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)) &* 0x9FB2_1C65_1E98_DF25
                d = (d ^ raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)) &* 0xE703_7ED1_A0B4_28DB
                a ^= a >> 31; b ^= b >> 29; c ^= c >> 32; d ^= d >> 27
                offset += 32
            }
            mix(a); mix(b); mix(c); mix(d)
        }
        while bytes.count - offset >= 8 {
            mix(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(base[offset]) << shift
            shift += 8
            offset += 1
        }
        mix(tail)
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
