/// Splits a byte stream into lines of at most `maximum` bytes. A longer line is reported once as
/// too long and its bytes are dropped up to its newline, so memory stays bounded whatever a peer
/// sends and the lines after it are read as usual.
struct LineBuffer {
    enum Line: Equatable {
        case complete(ArraySlice<UInt8>)
        case tooLong
    }

    let maximum: Int
    private var bytes: [UInt8] = []
    private var start = 0
    /// Inside a line that was too long: dropping up to its newline.
    private var skipping = false

    init(maximum: Int) { self.maximum = maximum }

    /// Adds `chunk`; returns the lines it completed, in order.
    mutating func append(_ chunk: UnsafeRawBufferPointer) -> [Line] {
        var lines: [Line] = []
        var offset = 0
        while offset < chunk.count {
            let rest = UnsafeRawBufferPointer(rebasing: chunk[offset...])
            let newline = rest.firstIndex(of: 0x0a).map { $0 - rest.startIndex }
            let length = newline ?? rest.count
            if skipping {
                if newline != nil { skipping = false }
            } else if bytes.count - start + length > maximum {
                bytes.removeAll(keepingCapacity: false)
                start = 0
                lines.append(.tooLong)
                skipping = newline == nil
            } else {
                bytes.append(contentsOf: rest[rest.startIndex..<(rest.startIndex + length)])
                if newline != nil {
                    lines.append(.complete(bytes[start...]))
                    bytes.removeAll(keepingCapacity: true)
                    start = 0
                }
            }
            offset += length + (newline == nil ? 0 : 1)
        }
        return lines
    }

    /// Bytes of an unfinished line.
    var pending: Int { bytes.count - start }
}
