import PlanBuildSupport

/// Writes all of `text` on `descriptor` (1 or 2) with write(2), never through the C `stdout` or
/// `stderr` globals (not concurrency-safe in Swift 6); a terminal may take a long block in pieces.
/// False when the reader is gone (EPIPE, SIGPIPE being ignored: `… 2>&1 | head -2`), which also
/// stops the command (StopSignals).
@discardableResult
func writeText(_ text: String, to descriptor: Int32) -> Bool {
    var copy = text
    return copy.withUTF8 { bytes in
        do throws(FileError) {
            try SystemCall.writeAll(descriptor, UnsafeRawBufferPointer(bytes), path: descriptor == 1 ? "standard output" : "standard error")
            return true
        } catch {
            if error.code == EPIPE { StopSignals.pipeClosed() }
            return false
        }
    }
}

/// Prints `text` and a newline on standard output; false when the reader is gone.
@discardableResult
func printOutput(_ text: String) -> Bool {
    writeText(text + "\n", to: 1)
}
