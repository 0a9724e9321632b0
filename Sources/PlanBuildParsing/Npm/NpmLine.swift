/// One log line as the npm recognizers see it: the bytes after the last carriage return (a
/// terminal redraw such as Jest's `RUNS` line overwrites what came before it), with the width of
/// its indentation. Nothing here allocates; a `String` is made only for a line worth keeping.
struct NpmLine {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The whole line.
    let bytes: Bytes
    /// Leading spaces (a tab counts as one).
    let indent: Int

    init(_ raw: Bytes) {
        var line = raw
        // LogReader hands over a line after its last `\r` that has text after it (CILinePrefix),
        // so a `\r` left in a line is its last byte: one compare instead of a search per line.
        if raw.last == 0x0D {
            line = NpmLine.afterLastCarriageReturn(raw)
        }
        bytes = line
        var spaces = 0
        if let base = line.baseAddress {
            // Eight spaces at a time first: code frames and stack traces are deeply indented.
            let raw = UnsafeRawPointer(base)
            while line.count - spaces >= 8, raw.loadUnaligned(fromByteOffset: spaces, as: UInt64.self) == 0x2020_2020_2020_2020 {
                spaces += 8
            }
            while spaces < line.count, line[spaces] == 0x20 || line[spaces] == 0x09 { spaces += 1 }
        }
        indent = spaces
    }

    var isBlank: Bool { indent == bytes.count }
    var count: Int { bytes.count }
    /// The first byte after the indentation (0 on a blank line).
    var lead: UInt8 { indent < bytes.count ? bytes[indent] : 0 }
    /// The bytes after the indentation.
    var body: Bytes { Bytes(rebasing: bytes[indent...]) }

    /// What a terminal shows of a line written over itself: the last non-empty part after `\r`.
    private static func afterLastCarriageReturn(_ raw: Bytes) -> Bytes {
        var end = raw.count
        var index = raw.count - 1
        while index >= 0 {
            if raw[index] == 0x0D {
                if index + 1 < end { return Bytes(rebasing: raw[(index + 1)..<end]) }
                end = index
            }
            index -= 1
        }
        return Bytes(rebasing: raw[0..<end])
    }
}

