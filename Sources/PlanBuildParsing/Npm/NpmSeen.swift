/// Fingerprints of issues already reported, in an open-addressing table allocated once: a
/// recognizer offers an issue's fingerprint before it makes any String for it, so a diagnostic
/// repeated all over a huge log costs a hash, not an issue. Once the table is full, new
/// fingerprints are not remembered (the IssueCollector still deduplicates).
struct NpmSeen {
    private final class Table {
        static let slots = 1 << 15
        let base = UnsafeMutablePointer<UInt64>.allocate(capacity: Table.slots)
        init() { base.initialize(repeating: 0, count: Table.slots) }
        deinit { base.deallocate() }
    }

    private let table = Table()
    private var stored = 0
    private static let mask = Table.slots - 1
    /// At most three quarters full: probes stay short.
    private static let capacity = Table.slots / 4 * 3

    /// True unless `fingerprint` was offered before.
    mutating func isNew(_ fingerprint: UInt64) -> Bool {
        // 0 marks an empty slot.
        let value = fingerprint | 1
        var slot = Int(truncatingIfNeeded: value >> 17) & Self.mask
        while true {
            let present = table.base[slot]
            if present == value { return false }
            if present == 0 {
                guard stored < Self.capacity else { return true }
                table.base[slot] = value
                stored += 1
                return true
            }
            slot = (slot + 1) & Self.mask
        }
    }
}
