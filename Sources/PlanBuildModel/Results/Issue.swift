/// One real diagnostic of a build: a compile error, a failing test, a lint finding, a warning.
public struct Issue: Equatable, Hashable, Sendable {
    public enum Severity: String, Sendable { case error, warning }

    public var file: String?
    public var line: Int?
    public var message: String
    public var severity: Severity
    public var category: String?
    public var stackTrace: String?
    /// Set by warning filtering in `structured` mode for warnings the project accepted.
    public var accepted: Bool
    /// What the tool printed about the issue beyond its message (a pytest error's traceback block).
    public var detail: String?

    public init(file: String?, line: Int?, message: String, severity: Severity, category: String? = nil,
                stackTrace: String? = nil, accepted: Bool = false, detail: String? = nil) {
        self.detail = detail
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity
        self.category = category
        self.stackTrace = stackTrace
        self.accepted = accepted
    }

    /// The issue's identity across runs: category, file and the message's first line, no line
    /// number (an edit above it moves the line, not the issue).
    public var signature: String {
        let head = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return "\(category ?? IssueCategory.other)|\(file ?? "")|\(head)"
    }
}

/// The categories the parsers give; issues carry them as plain strings so that callers
/// may pass categories of their own through unchanged.
public enum IssueCategory {
    public static let compilationError = "compilation_error"
    public static let testFailure = "test_failure"
    /// A test module that failed to import, or a fixture that failed to set up or tear down
    /// (pytest's ERROR): no test result, but a test that did not pass.
    public static let testCollectionError = "test_collection_error"
    public static let dependencyError = "dependency_error"
    public static let lintError = "lint_error"
    /// mypy's errors (plan-marshall's Python categories).
    public static let typeError = "type_error"
    /// A module that cannot be imported: mypy's import codes, pytest collection errors.
    public static let importError = "import_error"
    public static let buildError = "build_error"
    /// npm's own errors, as plan-marshall names them: dependency-tree conflicts (ERESOLVE, peer
    /// dependencies) and every other npm command error (E404, ENOENT, a missing or failed script).
    public static let npmDependency = "npm_dependency"
    public static let npmError = "npm_error"
    public static let deprecationWarning = "deprecation_warning"
    public static let uncheckedWarning = "unchecked_warning"
    public static let javadocWarning = "javadoc_warning"
    public static let lintWarning = "lint_warning"
    public static let other = "other"
}

/// Test counts of a whole build, summed over its modules.
public struct TestSummary: Equatable, Sendable {
    public var passed: Int
    public var failed: Int
    public var skipped: Int
    public var total: Int
    /// How long the tests took by the tool's own account (pytest's `in 0.37s`), when it says.
    public var durationSeconds: Double?

    public init(passed: Int, failed: Int, skipped: Int, total: Int? = nil, durationSeconds: Double? = nil) {
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.total = total ?? (passed &+ failed &+ skipped)
        self.durationSeconds = durationSeconds
    }

    /// The tests that ran: passed and failed ones (skipped ones did not run).
    package var ran: Int { passed &+ failed }

    public static func += (lhs: inout TestSummary, rhs: TestSummary) {
        lhs.passed &+= rhs.passed
        lhs.failed &+= rhs.failed
        lhs.skipped &+= rhs.skipped
        lhs.total &+= rhs.total
        if let more = rhs.durationSeconds { lhs.durationSeconds = (lhs.durationSeconds ?? 0) + more }
    }
}

/// What a parser read from one log.
public struct ParseOutcome: Equatable, Sendable {
    public enum BuildStatus: String, Sendable { case success = "SUCCESS", failure = "FAILURE" }

    public var issues: [Issue]
    public var tests: TestSummary?
    /// What the log shows of the build's outcome; nil when it shows none (a `-q` Maven log of a
    /// successful build, plain compiler output without errors). A run's result never comes from
    /// here: the exit code decides it.
    public var buildStatus: BuildStatus?

    public init(issues: [Issue], tests: TestSummary?, buildStatus: BuildStatus?) {
        self.issues = issues
        self.tests = tests
        self.buildStatus = buildStatus
    }

    public var errors: [Issue] { issues.filter { $0.severity == .error } }
    public var warnings: [Issue] { issues.filter { $0.severity == .warning } }
}
