/// A duration in whole seconds as every output shows it (results, reports, the plain progress
/// lines, cache records): rounded from the tenths the live display shows, so the display's `15.0s`
/// and the report's `15` are one number. Halves round up, as the display's tenths do.
public enum WholeSeconds {
    public static func of(milliseconds: Int) -> Int {
        (tenths(milliseconds: milliseconds) + 5) / 10
    }

    /// The tenths of a second the live display shows (halves up).
    public static func tenths(milliseconds: Int) -> Int {
        (max(0, milliseconds) / 50 + 1) / 2
    }
}
