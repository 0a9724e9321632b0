/// A bar of block characters for a fraction done: `[██████░░░░░░]`. The filled part never
/// overstates: it is rounded down, so a full bar means done.
public enum ProgressBar {
    public static func text(fraction: Double, width: Int) -> String {
        let cells = max(1, width)
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let filled = Int((clamped * Double(cells)).rounded(.down))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled) + "]"
    }

    /// A whole percentage that also never overstates (99.6 % is not yet 100 %).
    public static func percent(fraction: Double) -> Int {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        return Int((clamped * 100).rounded(.down))
    }
}
