import PlanBuildSupport

/// Reads a log as a stream of lines with one fixed-size buffer: memory stays bounded whatever
/// the log's size. Lines longer than `maximumLineLength` are cut there (the rest of such a line
/// is skipped); a trailing `\r` is dropped; ANSI escape sequences are removed, and so are the
/// prefixes CI systems put in front of a tool's text (`CILinePrefix`: timestamps, branch and Ant
/// task prefixes, GitLab section markers, `\r` redraws); bytes are handed over as they are, so
/// invalid UTF-8 or NUL bytes cannot stop the reading.
public struct LogReader {
    public static let bufferSize = 1 << 20
    public static let maximumLineLength = 64 << 10

    /// Calls `body` with every line of the file at `path`.
    public static func forEachLine(ofFile path: String,
                                   _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        // O_NONBLOCK: opening a FIFO without a writer must not hang the caller; only regular
        // files are read, so the flag changes nothing for them.
        let descriptor: Int32
        do {
            descriptor = try SystemCall.checked(path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        } catch {
            throw PlanBuildError(error.kind == .notFound ? .notFound : .unreadable, "cannot open log \(path): \(error.reason)")
        }
        defer { close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw PlanBuildError(.isDirectory, "log \(path) is a directory, not a file")
            case S_IFREG, S_IFLNK:
                break
            default:
                if path.hasPrefix("/proc/") || path.hasPrefix("/dev/stdin") || path.hasPrefix("/dev/fd/") { break }
                throw PlanBuildError(.unreadable, "log \(path) is not a regular file")
            }
        }
        try forEachLine(reading: { buffer in
            let count = SystemCall.retrying { read(descriptor, buffer.baseAddress, buffer.count) }
            guard count >= 0 else { throw PlanBuildError(.unreadable, "cannot read log \(path): \(SystemCall.reason(errno))") }
            return count
        }, body)
    }

    /// Calls `body` with every line of an in-memory text (tests, callers holding a log string).
    public static func forEachLine(ofText text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var bytes = Array(text.utf8)
        var offset = 0
        try bytes.withUnsafeMutableBufferPointer { source in
            try forEachLine(reading: { buffer in
                let count = min(buffer.count, source.count - offset)
                if count > 0 {
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: source[offset..<offset + count])))
                }
                offset += count
                return count
            }, body)
        }
    }

    static func forEachLine(reading fill: (UnsafeMutableBufferPointer<UInt8>) throws -> Int,
                            _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bufferSize)
        defer { buffer.deallocate() }
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: maximumLineLength)
        defer { scratch.deallocate() }

        var start = 0      // first byte of the pending line in `buffer`
        var end = 0        // end of valid data in `buffer`
        var skipping = false // inside an over-long line whose head was already delivered
        // Where the next `\r` and the next ESC are, at or after the current line: one memchr per
        // such byte and per read, not one per line (most logs have neither).
        var marks = LineMarks()

        // Takes the loop's state as arguments: a nested function that captured the mutable `end`
        // would box it on the heap for the whole loop (measured: Maven parsing 70 % slower).
        func deliver(_ from: Int, _ to: Int, _ dataEnd: Int, _ marks: inout LineMarks) throws {
            var upper = to
            if upper > from, buffer[upper - 1] == 0x0D { upper -= 1 }
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let redrawn = marks.carriageReturn.within(base, 0x0D, from, upper, dataEnd)
            var line = UnsafeBufferPointer(rebasing: buffer[from..<upper])
            if marks.escape.within(base, 0x1B, from, upper, dataEnd) { line = stripEscapes(line, into: scratch) }
            try body(CILinePrefix.strip(line, redrawn: redrawn))
        }

        while true {
            if start > 0 {
                // Move the unfinished line to the front to make room for more input.
                let pending = end - start
                if pending > 0 {
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: buffer.baseAddress! + start, byteCount: pending)
                }
                end = pending
                start = 0
            }
            let count = try fill(UnsafeMutableBufferPointer(rebasing: buffer[end...]))
            if count == 0 { break }
            marks = LineMarks()
            let scanFrom = end
            end += count
            var cursor = scanFrom
            while cursor < end {
                let remaining = UnsafeRawPointer(buffer.baseAddress! + cursor)
                guard let found = memchr(remaining, 0x0A, end - cursor) else { break }
                let newline = cursor + (UnsafeRawPointer(found) - remaining)
                if skipping {
                    skipping = false
                } else {
                    try deliver(start, min(newline, start + maximumLineLength), end, &marks)
                }
                start = newline + 1
                cursor = start
            }
            if end - start >= maximumLineLength {
                // An over-long line: deliver its head now and drop the rest up to the next newline.
                if !skipping { try deliver(start, start + maximumLineLength, end, &marks) }
                skipping = true
                start = end
            }
        }
        if end > start && !skipping { try deliver(start, end, end, &marks) }
    }

    /// The line without ANSI escape sequences (CSI `ESC [ … final`, and two-byte escapes).
    /// Lines without ESC are returned as they are, without copying. The text between escapes is
    /// copied eight bytes at a time while a word holds no ESC (a coloured Maven or npm line has
    /// three to six escapes; a byte-by-byte copy cost more than all the parsing of such a line).
    static func stripEscapes(_ line: UnsafeBufferPointer<UInt8>, into scratch: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = line.baseAddress, memchr(base, 0x1B, line.count) != nil else { return line }
        // The output is never longer than the line; the reader's scratch holds its longest line.
        guard line.count <= scratch.count, let output = scratch.baseAddress else { return stripEscapesBounded(line, into: scratch) }
        let source = UnsafeRawPointer(base)
        let target = UnsafeMutableRawPointer(output)
        let count = line.count
        var written = 0
        var index = 0
        while index < count {
            if count - index >= 8 {
                let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let probe = word ^ 0x1B1B_1B1B_1B1B_1B1B // a zero byte where ESC was
                let zeros = (probe &- 0x0101_0101_0101_0101) & ~probe & 0x8080_8080_8080_8080
                // The whole word is stored; only the bytes before its first ESC (the lowest flag
                // is exact) count as written, the rest is overwritten next.
                target.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                let plain = zeros == 0 ? 8 : zeros.trailingZeroBitCount >> 3
                written += plain
                index += plain
                if plain == 8 { continue }
            }
            let byte = base[index]
            index += 1
            if byte != 0x1B {
                output[written] = byte
                written += 1
                continue
            }
            if index < count, base[index] == UInt8(ascii: "[") {
                index += 1
                while index < count, !(0x40...0x7E).contains(base[index]) { index += 1 }
                index += 1
            } else if index < count {
                index += 1
            }
        }
        return UnsafeBufferPointer(start: output, count: written)
    }

    /// The same, byte by byte into a scratch buffer that may be shorter than the line (cut there).
    static func stripEscapesBounded(_ line: UnsafeBufferPointer<UInt8>, into scratch: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var output = 0
        var index = 0
        while index < line.count {
            let byte = line[index]
            if byte == 0x1B {
                index += 1
                if index < line.count, line[index] == UInt8(ascii: "[") {
                    index += 1
                    while index < line.count, !(0x40...0x7E).contains(line[index]) { index += 1 }
                    index += 1
                } else if index < line.count {
                    index += 1
                }
                continue
            }
            if output < scratch.count { scratch[output] = byte; output += 1 }
            index += 1
        }
        return UnsafeBufferPointer(rebasing: scratch[0..<output])
    }
}

/// The reader's marks of the next `\r` and ESC in its buffer (-1: not looked for since the last
/// read; the end of the data: none there).
struct LineMarks {
    struct Next {
        var at = -1

        /// Whether `byte` occurs in `from..<upper`, looking further only when the mark is behind `from`.
        @inline(__always)
        mutating func within(_ base: UnsafeRawPointer, _ byte: UInt8, _ from: Int, _ upper: Int, _ dataEnd: Int) -> Bool {
            if at < from {
                at = memchr(base + from, Int32(byte), dataEnd - from).map { UnsafeRawPointer($0) - base } ?? dataEnd
            }
            return at < upper
        }
    }

    var carriageReturn = Next()
    var escape = Next()
}
