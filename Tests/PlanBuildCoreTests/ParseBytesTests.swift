import Testing
@testable import PlanBuildParsing

/// The byte-level pieces every parser shares: numbers read on bytes, the fingerprint.
@Suite struct ParseBytesTests {
    static func decimal(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { ByteScan.decimal($0, 0, $0.count) }
    }

    /// Every string of digits and dots up to six bytes (and longer ones), read on the bytes, is
    /// the Double that `Double(String)` makes of it, to the bit; other forms are no decimal.
    @Test func decimalEqualsDoubleOfString() {
        let alphabet = ["0", "1", "5", "9", "."]
        var texts = [""]
        var all: [String] = []
        for _ in 0..<6 {
            texts = texts.flatMap { text in alphabet.map { text + $0 } }
            all += texts
        }
        var generator = NpmFuzzRandom(seed: 0xDEC)
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(1 + generator.next() % 20) { text += String(generator.next() % 10) }
            let dot = Int(generator.next() % UInt64(text.count + 1))
            text.insert(".", at: text.index(text.startIndex, offsetBy: dot))
            all.append(text)
        }
        all += ["412.87", "0.01", "0.1", "0.30000000000000004", "999999999999999", "9999999999999999.9", "123456789012.345678"]
        for text in all {
            #expect(Self.decimal(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        for text in ["", ".", "..", "1.2.3", "1e5", "-1", "+1", "0x10", " 1", "1 ", "inf", "nan"] {
            #expect(Self.decimal(text) == nil, "\(text)")
        }
        // Only the range is read.
        let bytes = Array("in 12.5s".utf8)
        #expect(bytes.withUnsafeBufferPointer { ByteScan.decimal($0, 3, 7) } == 12.5)
        #expect(bytes.withUnsafeBufferPointer { ByteScan.decimal($0, 3, 9) } == nil)
    }

    static func fingerprint(_ pieces: [[UInt8]], kind: Int = 0) -> UInt64 {
        var fingerprint = Fingerprint(kind: kind)
        for piece in pieces { piece.withUnsafeBufferPointer { fingerprint.add($0) } }
        return fingerprint.value
    }

    /// Every byte of a piece counts, at every length (the words that overlap for short pieces and
    /// for a long piece's last 16 bytes, the three chains of a long piece), and so do the length,
    /// where pieces are cut and the kind.
    @Test func fingerprintSeesEveryByte() {
        var generator = NpmFuzzRandom(seed: 0xF1)
        for length in 0...200 {
            let piece = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let original = Self.fingerprint([piece])
            #expect(Self.fingerprint([piece]) == original)
            #expect(Self.fingerprint([piece], kind: 1) != original)
            #expect(Self.fingerprint([piece + [0]]) != original, "a zero byte more, length \(length)")
            for index in 0..<length {
                var changed = piece
                changed[index] ^= 1 << UInt8(index % 8)
                #expect(Self.fingerprint([changed]) != original, "byte \(index) of \(length)")
            }
            if length > 2 {
                #expect(Self.fingerprint([Array(piece[..<1]), Array(piece[1...])]) != Self.fingerprint([Array(piece[..<(length - 1)]), Array(piece[(length - 1)...])]),
                        "cut elsewhere, length \(length)")
            }
        }
        #expect(Self.fingerprint([[], [1]]) != Self.fingerprint([[1], []]))
        #expect(Self.fingerprint([]) != Self.fingerprint([[]]))
    }
}
