import Testing
@testable import PlanBuildSupport
@testable import PlanBuildParsing

/// Reading logs as a bounded stream of lines.
@Suite struct LogReaderTests {
    static func lines(ofFile path: String) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        try LogReader.forEachLine(ofFile: path) { lines.append(Array($0)) }
        return lines
    }

    static func lines(of bytes: [UInt8]) throws -> [[UInt8]] {
        try TestSupport.withTemporaryDirectory { dir throws in
            TestSupport.write(bytes, to: dir + "/x.log")
            return try lines(ofFile: dir + "/x.log")
        }
    }

    static func strings(_ text: String) throws -> [String] {
        try lines(of: Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func emptyLog() throws {
        #expect(try Self.lines(of: []).isEmpty)
    }

    @Test func plainLines() throws {
        #expect(try Self.strings("a\nb\n\nc") == ["a", "b", "", "c"])
        #expect(try Self.strings("a\nb\n") == ["a", "b"])
    }

    @Test func crlf() throws {
        #expect(try Self.strings("a\r\nb\r\n\r\nc\r\n") == ["a", "b", "", "c"])
    }

    @Test func ansiColourCodesAreStripped() throws {
        let text = "\u{1B}[1;31mred\u{1B}[0m text\n[\u{1B}[1;34mINFO\u{1B}[m] \u{1B}[1mBUILD FAILURE\u{1B}[m\n\u{1B}[0m\u{1B}[0m[INFO] Scanning"
        #expect(try Self.strings(text) == ["red text", "[INFO] BUILD FAILURE", "[INFO] Scanning"])
    }

    /// The word-at-a-time stripping equals the byte-by-byte one wherever the escapes fall in a
    /// word (every offset, runs of escapes, sequences cut by the end of the line).
    @Test func escapeStrippingAtEveryOffset() {
        let pieces: [[UInt8]] = [[0x1B], Array("\u{1B}[1;34m".utf8), Array("\u{1B}[m".utf8), Array("\u{1B}(".utf8),
                                 Array("\u{1B}[".utf8), Array("\u{1B}\u{1B}".utf8)]
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: LogReader.maximumLineLength)
        defer { scratch.deallocate() }
        let reference = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: LogReader.maximumLineLength)
        defer { reference.deallocate() }
        for piece in pieces {
            for length in 0..<40 {
                for offset in 0...length {
                    var line = Array(repeating: UInt8(ascii: "x"), count: length)
                    line.insert(contentsOf: piece, at: offset)
                    if length > 20 { line.insert(contentsOf: piece, at: length / 2) }
                    line.withUnsafeBufferPointer { bytes in
                        let fast = Array(LogReader.stripEscapes(bytes, into: scratch))
                        let slow = Array(LogReader.stripEscapesBounded(bytes, into: reference))
                        #expect(fast == slow, "\(line)")
                    }
                }
            }
        }
    }

    @Test func invalidUTF8AndNULBytesAreHandedOver() throws {
        let lines = try Self.lines(of: [0xFF, 0xFE, 0x00, 0x61, 0x0A, 0x62, 0x00, 0x0A, 0xC3])
        #expect(lines == [[0xFF, 0xFE, 0x00, 0x61], [0x62, 0x00], [0xC3]])
    }

    @Test func fiveMegabyteSingleLineIsTruncated() throws {
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 5 << 20)
        bytes += Array("\nlast line\n".utf8)
        let lines = try Self.lines(of: bytes)
        #expect(lines.count == 2)
        #expect(lines.first?.count == LogReader.maximumLineLength)
        #expect(lines.first?.allSatisfy { $0 == UInt8(ascii: "a") } == true)
        #expect(lines.last == Array("last line".utf8))
    }

    @Test func fiveMegabyteLineWithoutNewline() throws {
        let lines = try Self.lines(of: [UInt8](repeating: UInt8(ascii: "b"), count: 5 << 20))
        #expect(lines.count == 1)
        #expect(lines.first?.count == LogReader.maximumLineLength)
    }

    @Test func longLinesBetweenShortOnes() throws {
        var text = ""
        for index in 0..<5 {
            text += "short \(index)\n" + String(repeating: "x", count: 200_000 + index) + "\n"
        }
        let lines = try Self.strings(text)
        #expect(lines.count == 10)
        for index in 0..<5 {
            #expect(lines[2 * index] == "short \(index)")
            #expect(lines[2 * index + 1].utf8.count == LogReader.maximumLineLength)
        }
    }

    @Test func manyLinesAcrossBufferBoundaries() throws {
        let count = 300_000
        var text = ""
        text.reserveCapacity(count * 8)
        for index in 0..<count { text += "l\(index)\n" }
        var seen = 0
        var ordered = true
        try TestSupport.withTemporaryDirectory { dir throws in
            TestSupport.write(text, to: dir + "/many.log")
            try LogReader.forEachLine(ofFile: dir + "/many.log") { line in
                if String(decoding: line, as: UTF8.self) != "l\(seen)" { ordered = false }
                seen += 1
            }
        }
        #expect(seen == count)
        #expect(ordered)
    }

    @Test func directoryIsAnError() {
        TestSupport.withTemporaryDirectory { dir in
            let error = #expect(throws: PlanBuildError.self) { try LogReader.forEachLine(ofFile: dir) { _ in } }
            #expect(error?.code == .isDirectory)
        }
    }

    @Test func missingFileIsNotFound() {
        let error = #expect(throws: PlanBuildError.self) { try LogReader.forEachLine(ofFile: "/nonexistent/x.log") { _ in } }
        #expect(error?.code == .notFound)
    }
}
