import PlanBuildCore

/// Writes to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
func fwriteBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    write(2, bytes.baseAddress, bytes.count)
}
