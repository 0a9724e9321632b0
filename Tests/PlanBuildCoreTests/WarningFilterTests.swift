import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildConfiguration

/// Accepted-warning patterns and the three output modes.
@Suite struct WarningFilterTests {
    static func warning(_ message: String, file: String? = "A.java", line: Int? = 1) -> PlanBuildModel.Issue {
        PlanBuildModel.Issue(file: file, line: line, message: message, severity: .warning, category: "other")
    }

    @Test func substringIsCaseInsensitive() {
        let patterns = WarningPatterns(["DEPRECATED API"])
        #expect(patterns.accepts("uses deprecated api in Foo"))
        #expect(patterns.accepts("Deprecated API"))
        #expect(!patterns.accepts("deprecated"))
        #expect(patterns.invalidPatterns.isEmpty)
    }

    @Test func substringMetacharactersAreLiteral() {
        let patterns = WarningPatterns(["[unchecked] (x)"])
        #expect(patterns.accepts("Foo.java: [UNCHECKED] (x) cast"))
        #expect(!patterns.accepts("unchecked x"))
    }

    @Test func caretPatternIsAnAnchoredCaseInsensitiveRegex() {
        let patterns = WarningPatterns([#"^\[unchecked\] unchecked (call|cast)"#])
        #expect(patterns.accepts("[unchecked] unchecked cast to List"))
        #expect(patterns.accepts("[UNCHECKED] Unchecked Call to add"))
        #expect(!patterns.accepts("note: [unchecked] unchecked cast"))
        #expect(!patterns.accepts("[unchecked] checked cast"))
    }

    @Test func caretPatternDoesNotMatchInTheMiddle() {
        let patterns = WarningPatterns(["^deprecated"])
        #expect(patterns.accepts("Deprecated method"))
        #expect(!patterns.accepts("method is deprecated"))
        #expect(!patterns.accepts(" deprecated with a leading space"))
    }

    @Test func invalidRegexIsSkippedWithoutThrowing() {
        let patterns = WarningPatterns(["^[unclosed", "^(a", "harmless", #"^valid\d+"#])
        #expect(patterns.invalidPatterns == ["^[unclosed", "^(a"])
        #expect(!patterns.accepts("[unclosed bracket"))
        #expect(patterns.accepts("this is HARMLESS"))
        #expect(patterns.accepts("valid42 warning"))
        #expect(patterns.patterns == ["^[unclosed", "^(a", "harmless", #"^valid\d+"#])
    }

    @Test func emptyPatternsAcceptNothing() {
        #expect(!WarningPatterns([]).accepts("anything"))
        #expect(!WarningPatterns([""]).accepts("anything"))
    }

    @Test func flattenList() throws {
        let value = try JSONParser.parse(#"["a", "^b", 3, null]"#)
        #expect(WarningPatterns.flatten(value) == ["a", "^b"])
    }

    @Test func flattenObjectOfCategories() throws {
        let value = try JSONParser.parse(#"{"deprecation": ["a", "b"], "unchecked": ["^c"], "empty": [], "single": "d"}"#)
        #expect(WarningPatterns.flatten(value) == ["a", "b", "^c", "d"])
    }

    @Test func flattenNothing() {
        #expect(WarningPatterns.flatten(nil) == [])
        #expect(WarningPatterns.flatten(.null) == [])
        #expect(WarningPatterns.flatten(.int(3)) == [])
    }

    static let warnings = [warning("[deprecation] old API"), warning("unused variable x"), warning("Deprecated: foo")]
    static var patterns: WarningPatterns { WarningPatterns(["^\\[deprecation\\]", "deprecated:"]) }

    @Test func actionableDropsAccepted() {
        let kept = WarningMode.filter(Self.warnings, patterns: Self.patterns, mode: .actionable)
        #expect(kept.map(\.message) == ["unused variable x"])
        #expect(kept.allSatisfy { !$0.accepted })
    }

    @Test func structuredMarksAccepted() {
        let kept = WarningMode.filter(Self.warnings, patterns: Self.patterns, mode: .structured)
        #expect(kept.map(\.message) == Self.warnings.map(\.message))
        #expect(kept.map(\.accepted) == [true, false, true])
    }

    @Test func errorsDropsAllWarnings() {
        #expect(WarningMode.filter(Self.warnings, patterns: Self.patterns, mode: .errors).isEmpty)
        #expect(WarningMode.filter(Self.warnings, patterns: WarningPatterns([]), mode: .errors).isEmpty)
    }

    @Test func modeNames() {
        #expect(WarningMode(rawValue: "actionable") == .actionable)
        #expect(WarningMode(rawValue: "structured") == .structured)
        #expect(WarningMode(rawValue: "errors") == .errors)
    }
}
