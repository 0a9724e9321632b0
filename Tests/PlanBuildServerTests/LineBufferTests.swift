import Testing
@testable import PlanBuildServer

@Suite struct LineBufferTests {
    static func feed(_ buffer: inout LineBuffer, _ text: String) -> [String] {
        Array(text.utf8).withUnsafeBytes { buffer.append($0) }.map { line in
            switch line {
            case .complete(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .tooLong: return "<too long>"
            }
        }
    }

    @Test func linesSplitAcrossChunksComeOutWhole() {
        var buffer = LineBuffer(maximum: 100)
        #expect(Self.feed(&buffer, "ab") == [])
        #expect(Self.feed(&buffer, "c\nde\n\nf") == ["abc", "de", ""])
        #expect(buffer.pending == 1)
        #expect(Self.feed(&buffer, "g\n") == ["fg"])
    }

    @Test func aLineTooLongIsReportedOnceAndSkippedToItsEnd() {
        var buffer = LineBuffer(maximum: 8)
        #expect(Self.feed(&buffer, "12345") == [])
        #expect(Self.feed(&buffer, "6789") == ["<too long>"])
        #expect(Self.feed(&buffer, String(repeating: "x", count: 1000)) == [])
        #expect(buffer.pending == 0)
        #expect(Self.feed(&buffer, "yz\nok\n") == ["ok"])
        #expect(Self.feed(&buffer, String(repeating: "q", count: 20) + "\nnext\n") == ["<too long>", "next"])
    }
}
