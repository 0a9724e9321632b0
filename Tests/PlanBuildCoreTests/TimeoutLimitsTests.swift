import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildConfiguration

/// The one rule for timeouts callers give: more than a year is a year, zero or less is refused.
@Suite struct TimeoutLimitsTests {
    static let year = 31_536_000

    @Test func aboveAYearIsAYear() throws {
        #expect(try TimeoutLimits.checked(10_000_000_000_000_000) == Self.year)
        #expect(try TimeoutLimits.checked(Int.max) == Self.year)
        #expect(try TimeoutLimits.checked(.double(1e30)) == Self.year)
        #expect(try TimeoutLimits.checked(.int(300)) == 300)
        #expect(TimeoutLimits.parse("99999999999999999999999") == Self.year + 1)
        #expect(try TimeoutLimits.checked(TimeoutLimits.parse("99999999999999999999999")!) == Self.year)
        #expect(TimeoutLimits.milliseconds(Int.max) == Self.year * 1000)
    }

    @Test func zeroNegativeAndNonNumbersAreInvalidRequests() {
        for value: JSONValue in [0, -1, .double(-1e30), .double(2.5), .double(.infinity), "60", true] {
            #expect(throws: PlanBuildError.self) { try TimeoutLimits.checked(value) }
        }
        do {
            _ = try TimeoutLimits.checked(0)
            Issue.record("0 accepted")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        #expect(TimeoutLimits.parse("") == nil && TimeoutLimits.parse("1s") == nil && TimeoutLimits.parse("-3") == -3)
    }

    @Test func aLearnedValueNeverExceedsAYear() {
        #expect(TimeoutPolicy.standard.effectiveTimeout(learned: 9_000_000_000_000_000, default: 0) == Self.year)
        #expect(TimeoutPolicy.standard.effectiveTimeout(learned: nil, default: Int.max) == Self.year)
    }
}
