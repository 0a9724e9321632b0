import Testing
@testable import PlanBuildCache

/// A manifest is written as bytes (InputManifest.storedBytes): the numbers read as the decimal
/// text Swift prints for them, the extremes and negative times (before 1970) included.
@Suite struct InputManifestTextTests {
    @Test func decimalsAreWhatSwiftPrints() {
        let signed: [Int64] = [0, 1, -1, 9, 10, -10, 1_733_000_000_123_456_789, Int64.max, Int64.min]
        for value in signed {
            var out: [UInt8] = []
            InputManifest.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "\(value)")
        }
        for value in [UInt64(0), 7, UInt64.max] {
            var out: [UInt8] = []
            InputManifest.appendDecimal(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == "\(value)")
        }
    }
}
