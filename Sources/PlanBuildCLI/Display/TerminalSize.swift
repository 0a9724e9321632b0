import PlanBuildSupport

/// The size of the terminal behind a descriptor, asked anew each time: a window resized during a
/// run is drawn at its new width.
enum TerminalSize {
    /// Columns of the terminal on `descriptor`; 80 when it is no terminal or says nothing usable.
    static func columns(descriptor: Int32) -> Int {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 1 else { return 80 }
        return Int(size.ws_col)
    }
}
