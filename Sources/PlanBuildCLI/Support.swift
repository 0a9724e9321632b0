import PlanBuildSupport

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
/// A closed pipe (`… 2>&1 | head -2`) stops the command (StopSignals).
func fwriteBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    let written = write(2, bytes.baseAddress, bytes.count)
    if written < 0 && errno == EPIPE { StopSignals.pipeClosed() }
    return written
}

/// Prints `text` and a newline on standard output with write(2); false when the reader is gone
/// (EPIPE, SIGPIPE being ignored), which also stops the command.
@discardableResult
func printOutput(_ text: String) -> Bool {
    var line = text + "\n"
    return line.withUTF8 { bytes -> Bool in
        var offset = 0
        while offset < bytes.count {
            let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { StopSignals.pipeClosed() }
                return false
            }
            offset += written
        }
        return true
    }
}
