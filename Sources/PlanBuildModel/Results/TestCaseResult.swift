/// One test as a test tool's own report names it (Surefire/Failsafe `TEST-*.xml`, Gradle's
/// test-results, pytest `--junitxml`, node's JUnit reporter), for the JUnit export: one
/// `testcase` per test the tool ran. Not part of the result's JSON.
public struct TestCaseResult: Equatable, Sendable {
    public enum Outcome: String, Sendable { case passed, failed, error, skipped }

    /// The class or file the test belongs to (`classname`).
    public var suite: String
    public var name: String
    public var milliseconds: Int?
    public var outcome: Outcome
    /// What the tool said of a failure, error or skip (its first line), and the rest (a stack).
    public var message: String?
    public var detail: String?

    public init(suite: String, name: String, milliseconds: Int? = nil, outcome: Outcome, message: String? = nil, detail: String? = nil) {
        self.suite = suite
        self.name = name
        self.milliseconds = milliseconds
        self.outcome = outcome
        self.message = message
        self.detail = detail
    }
}

extension TestSummary {
    /// The counts of a list of test cases: an error counts as failed, as the tools count it.
    public init(cases: [TestCaseResult]) {
        var passed = 0, failed = 0, skipped = 0
        for test in cases {
            switch test.outcome {
            case .passed: passed += 1
            case .failed, .error: failed += 1
            case .skipped: skipped += 1
            }
        }
        self.init(passed: passed, failed: failed, skipped: skipped)
    }
}
