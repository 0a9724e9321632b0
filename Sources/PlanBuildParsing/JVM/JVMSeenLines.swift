/// Remembers which lines (by a hash of their bytes) were handled already, so that a log repeating
/// the same lines (the same goal failure in every module, a log appended to itself) does the
/// String work once. Bounded: once full it stops remembering and lines are simply handled again.
struct JVMSeenLines {
    private var keys: Set<UInt64> = []
    let limit: Int

    init(limit: Int = 16_384) { self.limit = limit }

    /// Whether the bytes `from..<to` (with `salt`, the kind of line) were offered before.
    /// `context`: where the line was printed (a plugin execution, a task), when the same text
    /// printed in two such places is two different things.
    mutating func seenBefore(_ line: JVMLine, _ from: Int, _ to: Int, salt: Int, context: UInt64 = 0) -> Bool {
        let start = min(max(from, 0), line.count)
        let end = min(max(to, start), line.count)
        var hasher = Fingerprint(kind: Int(salt))
        hasher.add(UnsafeBufferPointer(rebasing: line[start..<end]))
        if context != 0 { hasher.add(Int(truncatingIfNeeded: context)) }
        if keys.contains(hasher.value) { return true }
        if keys.count < limit { keys.insert(hasher.value) }
        return false
    }
}
