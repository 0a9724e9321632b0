import PlanBuildSupport

/// Text helpers shared by the recognizers.
enum NpmText {
    /// Longest message kept for one issue: a log of any size keeps bounded memory.
    static let maximumMessage = 2_000
    /// Longest file path kept.
    static let maximumPath = 1_024

    /// `start..<end` without surrounding spaces, as a String cut at `maximumMessage` bytes.
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        ByteScan.text(bytes, start, end, limit: maximumMessage)
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { text(bytes, 0, bytes.count) }

    /// A path without the `./` Jest and some tools put in front of relative paths.
    static func normalizedPath(_ path: String) -> String {
        var result = Substring(path)
        while result.hasPrefix("./") { result = result.dropFirst(2) }
        if result.utf8.count > maximumPath { return String(decoding: result.utf8.suffix(maximumPath), as: UTF8.self) }
        return String(result)
    }

    /// Whether two spellings of a path name the same file: equal, or one ends with `/` + the other
    /// (`./` in front ignored).
    static func samePath(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let x = withoutDotSlash(a), y = withoutDotSlash(b)
        guard x.count > 0, y.count > 0 else { return false }
        let (long, short) = x.count >= y.count ? (x, y) : (y, x)
        let offset = long.count - short.count
        guard let longBase = long.baseAddress, let shortBase = short.baseAddress,
              memcmp(longBase + offset, shortBase, short.count) == 0 else { return false }
        return offset == 0 || long[offset - 1] == UInt8(ascii: "/")
    }

    private static func withoutDotSlash(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        while bytes.count - start >= 2, bytes[start] == UInt8(ascii: "."), bytes[start + 1] == UInt8(ascii: "/") { start += 2 }
        return UnsafeBufferPointer(rebasing: bytes[start...])
    }

    /// Whether a path looks like a test file (`x.test.js`, `x.spec.ts`, `__tests__/x.js`, `test/x.js`).
    static func looksLikeTestFile(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        ByteScan.find(path, ".test.") != nil || ByteScan.find(path, ".spec.") != nil || ByteScan.find(path, "__tests__/") != nil
            || ByteScan.has(path, "test/", at: 0) || ByteScan.find(path, "/test/") != nil
            || ByteScan.has(path, "tests/", at: 0) || ByteScan.find(path, "/tests/") != nil
    }

    /// A stack frame `at fn (path:line:col)`, `fn (path:line:col)` or `at path:line:col`, from `start`
    /// (after any `at `): the range of the path and the line.
    static func frame(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (path: Range<Int>, line: Int)? {
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        var pathStart = start
        if end > start, bytes[end - 1] == UInt8(ascii: ")"),
           let open = ByteScan.findLast(bytes, byte: UInt8(ascii: "("), from: start, to: end) {
            pathStart = open + 1
            end -= 1
        }
        guard let colon2 = ByteScan.findLast(bytes, byte: UInt8(ascii: ":"), from: pathStart, to: end),
              ByteScan.wholeNumber(bytes, colon2 + 1, end) != nil,
              let colon1 = ByteScan.findLast(bytes, byte: UInt8(ascii: ":"), from: pathStart, to: colon2),
              let row = ByteScan.wholeNumber(bytes, colon1 + 1, colon2) else { return nil }
        let path = ByteScan.trimmed(bytes, pathStart, colon1)
        guard path.count > 0 else { return nil }
        return (path, row)
    }

    /// Whether a frame's path is the runtime's or a dependency's rather than the project's.
    static func isForeignFrame(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        ByteScan.has(path, "node:", at: 0) || ByteScan.find(path, "node_modules/") != nil || ByteScan.has(path, "internal/", at: 0)
            || ByteScan.find(path, "/usr/share/nodejs/") != nil || ByteScan.has(path, "<anonymous>", at: 0)
    }
}

