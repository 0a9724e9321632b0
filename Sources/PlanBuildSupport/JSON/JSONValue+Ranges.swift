extension JSONValue {
    /// A whole number inside `range`, else nil (absent, not a whole number, or outside it).
    ///
    /// Numbers read from a file or a server are checked here, where they are decoded, against the
    /// range their meaning allows: what is inside can then be added, multiplied or subtracted
    /// without overflowing (a trap would end the host process), and what is outside makes the
    /// document corrupt instead of wrong.
    public func intValue(in range: ClosedRange<Int>) -> Int? {
        guard let value = intValue, range.contains(value) else { return nil }
        return value
    }
}

extension Int {
    /// `self + other`, held at `Int.max` (or `Int.min`) instead of trapping: for totals that grow
    /// run after run (the cache's statistics), where a true sum would no longer fit.
    public func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

extension Int64 {
    /// `self + other`, held at `Int64.max` (or `Int64.min`) instead of trapping.
    public func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
