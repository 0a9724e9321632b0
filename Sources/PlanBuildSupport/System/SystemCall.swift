/// System calls as the core makes them: a call interrupted by a signal (`EINTR`) is made again, and
/// a failure becomes a `FileError` naming the path and the system's reason. Every file of every
/// layer goes through here rather than testing `errno` itself.
///
/// Why retry: the CLI and the shims' host processes install signal handlers (Ctrl-C, SIGTERM, the
/// terminal's SIGWINCH), so any blocking call may return `EINTR` without having done anything.
public enum SystemCall {
    /// Calls `body` until it does not fail with `EINTR`; the result and `errno` are the last call's.
    @inline(__always)
    public static func retrying<Result: BinaryInteger>(_ body: () -> Result) -> Result {
        while true {
            let result = body()
            if result != -1 || errno != EINTR { return result }
        }
    }

    /// Calls `body` until it does not fail with `EINTR`; a failure (-1) throws the FileError of
    /// `errno` naming `path`.
    @inline(__always)
    package static func checked<Result: BinaryInteger>(_ path: String, _ body: () -> Result) throws(FileError) -> Result {
        let result = retrying(body)
        guard result != -1 else { throw FileError(errno: errno, path: path) }
        return result
    }

    /// The system's reason for the errno value `code` (strerror), for a message.
    package static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Writes all of `bytes` to `descriptor`.
    public static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(FileError) {
        let failure: FileError? = bytes.withUnsafeBytes { buffer in
            do throws(FileError) {
                try writeAll(descriptor, buffer, path: path)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Writes all of `buffer` to `descriptor`.
    public static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws(FileError) {
        var written = 0
        while written < buffer.count {
            written += try checked(path) { write(descriptor, buffer.baseAddress! + written, buffer.count - written) }
        }
    }
}
