import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildParsing

/// The Maven parser on a real `mvn verify -fae` log of examples/maven-multi
/// (Resources/maven-multi-verify.log, Maven 3.8.7), and on edge-case variants of it.
@Suite struct MavenParserTests {
    static var logPath: String { TestSupport.resource("maven-multi-verify.log") }

    static func parse(_ path: String = logPath) throws -> ParseOutcome {
        try ParserRegistry.parse(logFile: path, parser: "maven")
    }

    static func check(_ outcome: ParseOutcome, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.buildStatus == .failure, sourceLocation: sourceLocation)

        let compile = outcome.issues.filter { $0.file?.hasSuffix("OrderService.java") == true }
        #expect(compile.count == 1, "the compile error is reported once: \(compile)", sourceLocation: sourceLocation)
        if let error = compile.first {
            #expect(error.line == 19, sourceLocation: sourceLocation)
            #expect(error.severity == .error, sourceLocation: sourceLocation)
            #expect(error.category == IssueCategory.compilationError, sourceLocation: sourceLocation)
            #expect(error.message.hasPrefix("cannot find symbol"), sourceLocation: sourceLocation)
            #expect(error.message.contains("symbol:"), sourceLocation: sourceLocation)
            #expect(error.message.contains("calculateTotl"), sourceLocation: sourceLocation)
            #expect(error.message.contains("location:"), sourceLocation: sourceLocation)
            // The continuation is not repeated by the second copy under "Failed to execute goal".
            #expect(error.message.ranges(of: "symbol:").count == 1, sourceLocation: sourceLocation)
        }

        let failures = outcome.issues.filter { $0.category == IssueCategory.testFailure }
        #expect(failures.count == 1, "one failing test: \(failures)", sourceLocation: sourceLocation)
        if let failure = failures.first {
            #expect(failure.file?.hasSuffix("GreetingControllerTest.java") == true, sourceLocation: sourceLocation)
            #expect(failure.line == 18, sourceLocation: sourceLocation)
            #expect(failure.severity == .error, sourceLocation: sourceLocation)
            #expect(failure.message.contains("greetsGuestWhenNameMissing"), sourceLocation: sourceLocation)
        }

        #expect(outcome.tests == TestSummary(passed: 5, failed: 1, skipped: 1, total: 7), sourceLocation: sourceLocation)

        for issue in outcome.issues {
            #expect(!issue.message.contains("[Help 1]"), "boilerplate issue: \(issue.message)", sourceLocation: sourceLocation)
            #expect(!issue.message.contains("-X switch"), "boilerplate issue: \(issue.message)", sourceLocation: sourceLocation)
            #expect(!issue.message.contains("\u{1B}"), sourceLocation: sourceLocation)
        }
        #expect(outcome.errors.count == 2, "errors: \(outcome.errors.map(\.message))", sourceLocation: sourceLocation)
    }

    @Test func realMultiModuleVerifyLog() throws {
        #expect(FileSystem.isRegularFile(Self.logPath))
        Self.check(try Self.parse())
    }

    @Test func deprecationWarningOfCore() throws {
        let warnings = try Self.parse().warnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.file?.hasSuffix("TextUtils.java") == true)
        #expect(warnings.first?.line == 39)
        #expect(warnings.first?.category == IssueCategory.deprecationWarning)
    }

    @Test func sameResultFromText() throws {
        let text = TestSupport.readText(Self.logPath)
        Self.check(try ParserRegistry.run(MavenLogParser.self, text: text))
    }

    @Test func crlfLogGivesTheSameResult() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let text = TestSupport.readText(Self.logPath).replacingOccurrences(of: "\n", with: "\r\n")
            TestSupport.write(text, to: dir + "/crlf.log")
            let outcome = try Self.parse(dir + "/crlf.log")
            Self.check(outcome)
            #expect(outcome == (try Self.parse()))
        }
    }

    @Test func colouredLogGivesTheSameResult() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            // What Maven prints with colours: `[\e[1;31mERROR\e[m] …`, `[\e[1;34mINFO\e[m] …`.
            let text = TestSupport.readText(Self.logPath)
                .replacingOccurrences(of: "[ERROR]", with: "[\u{1B}[1;31mERROR\u{1B}[m]")
                .replacingOccurrences(of: "[INFO]", with: "[\u{1B}[1;34mINFO\u{1B}[m]")
                .replacingOccurrences(of: "[WARNING]", with: "[\u{1B}[1;33mWARNING\u{1B}[m]")
                .replacingOccurrences(of: "BUILD FAILURE", with: "\u{1B}[1;31mBUILD FAILURE\u{1B}[m")
            TestSupport.write(text, to: dir + "/colour.log")
            let outcome = try Self.parse(dir + "/colour.log")
            Self.check(outcome)
            #expect(outcome == (try Self.parse()))
        }
    }

    @Test func invalidUTF8AndNULBytesAreTolerated() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            var bytes = TestSupport.readBytes(Self.logPath)
            bytes.insert(contentsOf: [0xFF, 0xFE, 0x00, 0xC3, 0x0A, 0x00, 0x0A], at: 0)
            bytes += Array("[ERROR] /src/Bad.java:[7,3] bad \u{FFFD} char ".utf8) + [0xFF, 0x00, 0x0A]
            TestSupport.write(bytes, to: dir + "/binary.log")
            let outcome = try Self.parse(dir + "/binary.log")
            #expect(outcome.buildStatus == .failure)
            #expect(outcome.issues.contains { $0.file == "/src/Bad.java" && $0.line == 7 && $0.message.hasPrefix("bad") })
            #expect(outcome.tests == TestSummary(passed: 5, failed: 1, skipped: 1, total: 7))
        }
    }

    @Test func emptyLog() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            TestSupport.write("", to: dir + "/empty.log")
            let outcome = try Self.parse(dir + "/empty.log")
            #expect(outcome.issues.isEmpty)
            #expect(outcome.tests == nil)
        }
    }

    @Test func missingLog() {
        let error = #expect(throws: PlanBuildError.self) { try Self.parse("/nonexistent/dir/maven.log") }
        #expect(error?.code == .notFound)
    }

    @Test func unknownParserName() {
        #expect(throws: (any Error).self) { try ParserRegistry.parse(logFile: Self.logPath, parser: "ant") }
    }
}
