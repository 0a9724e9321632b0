/// The strings a parse read last, by a hash of their bytes, so that a text that comes again (a
/// library's coordinates in the dependencies of every module, a long command name in each
/// module's commands) is stored once instead of once per place.
///
/// Each slot holds the last string whose hash falls there: the memory is fixed, a string costs one
/// hash and at most one comparison, and no input can make it slower (a collision only replaces
/// the slot). Only strings too long for Swift's inline form (15 bytes) come here: shorter ones
/// take no storage of their own anyway.
struct RecentStrings {
    private var slots = [String](repeating: "", count: RecentStrings.slotCount)
    private static let slotCount = 4096

    /// The string of the UTF-8 `bytes` (invalid sequences repaired, as String(decoding:) does),
    /// sharing the storage of the same text read before when it is still in its slot.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // FNV-1a: one multiplication a byte, enough to spread texts over the slots.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01B3 }
        let slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & (Self.slotCount - 1)
        let same = slots[slot].utf8.withContiguousStorageIfAvailable { stored in
            guard stored.count == bytes.count, let left = stored.baseAddress, let right = bytes.baseAddress else { return false }
            return memcmp(left, right, bytes.count) == 0
        }
        if same == true { return slots[slot] }
        let text = String(decoding: bytes, as: UTF8.self)
        slots[slot] = text
        return text
    }
}
