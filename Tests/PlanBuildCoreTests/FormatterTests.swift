import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildConfiguration
@testable import PlanBuildPresentation

/// TOON and JSON renderings of a result, byte for byte against docs/examples.
@Suite struct FormatterTests {
    static func example(_ name: String) -> String {
        TestSupport.repositoryRoot() + "/docs/examples/" + name
    }

    static func result(_ name: String) throws -> JSONObject {
        try #require(try JSONParser.parse(TestSupport.readText(example("\(name).result.json"))).objectValue)
    }

    @Test(arguments: ["success", "build-failure", "timeout"])
    func toonMatchesDocumentedExample(_ name: String) throws {
        let expected = TestSupport.readText(Self.example("\(name).toon"))
        #expect(!expected.isEmpty)
        #expect(ResultFormatter.toon(try Self.result(name)) == expected)
        #expect(ResultFormatter.format(try Self.result(name), as: .toon) == expected)
    }

    @Test(arguments: ["success", "build-failure", "timeout"])
    func jsonMatchesDocumentedExample(_ name: String) throws {
        let expected = TestSupport.readText(Self.example("\(name).json"))
        #expect(!expected.isEmpty)
        #expect(ResultFormatter.json(try Self.result(name), indent: 2) == expected)
        #expect(ResultFormatter.format(try Self.result(name), as: .json) == expected)
    }

    @Test func buildResultGivesTheDocumentedFieldOrder() throws {
        var result = BuildResult(status: .error, exitCode: 1, durationSeconds: 23,
                                 logFile: ".plan/temp/build-output/default/maven-2026-01-03-141530.log",
                                 command: "./mvnw clean verify", error: "build_failed", timeoutUsedSeconds: 300, wrapper: "./mvnw")
        result.errors = [
            PlanBuildModel.Issue(file: "src/main/java/demo/Main.java", line: 15,
                                message: "cannot find symbol\nsymbol:   class Foo\nlocation: class demo.Main",
                                severity: .error, category: "compilation_error"),
            PlanBuildModel.Issue(file: "demo/MainTest.java", line: 42, message: "MainTest.adds: expected:<3> but was:<4>",
                                severity: .error, category: "test_failure"),
        ]
        result.warnings = [PlanBuildModel.Issue(file: "pom.xml", line: nil, message: "deprecated dependency version",
                                               severity: .warning, category: "deprecation_warning")]
        result.tests = TestSummary(passed: 10, failed: 2, skipped: 1)
        #expect(ResultFormatter.toon(result.json()) == TestSupport.readText(Self.example("build-failure.toon")))
        #expect(ResultFormatter.json(result.json()) == TestSupport.readText(Self.example("build-failure.json")))
    }

    @Test func noToonValueContainsARawTabOrNewline() {
        var result = BuildResult(status: .error, exitCode: 1, durationSeconds: 2, logFile: "log\twith\ttabs.log",
                                 command: "mvn\tverify\n-pl core", error: "build_failed")
        result.errors = [
            PlanBuildModel.Issue(file: "A\tB.java", line: 3, message: "first\tsecond\nthird\r\nfourth\n", severity: .error,
                                category: "compilation\terror"),
            PlanBuildModel.Issue(file: nil, line: nil, message: "\n\tleading breaks", severity: .error, category: nil),
        ]
        result.warnings = [PlanBuildModel.Issue(file: "W.java", line: 1, message: "warn\ning\ttab", severity: .warning)]
        let toon = ResultFormatter.toon(result.json())
        let lines = toon.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!toon.contains("\r"))
        for line in lines {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).count
            if line.isEmpty || line.hasSuffix(":") {
                #expect(columns == 1, "header line \(line)")
            } else if line.hasPrefix("status") || line.hasPrefix("exit_code") || line.hasPrefix("duration_seconds")
                        || line.hasPrefix("log_file") || line.hasPrefix("command") || line.hasPrefix("error\t") {
                #expect(columns == 2, "scalar line \(line)")
            }
        }
        #expect(lines.contains("A B.java\t3\tfirst second | third | fourth\tcompilation error"))
        #expect(lines.contains { $0.hasPrefix("-\t-\t") && $0.hasSuffix("leading breaks\t") && $0.split(separator: "\t", omittingEmptySubsequences: false).count == 4 })
        #expect(lines.contains("W.java\t1\twarn | ing tab"))
        #expect(lines.contains("command\tmvn verify | -pl core"))
        #expect(lines.contains("errors[2]{file,line,message,category}:"))
        #expect(lines.contains("warnings[1]{file,line,message}:"))
    }

    @Test func dashForMissingFileOrLine() {
        var result = BuildResult(status: .error, exitCode: 1, durationSeconds: 1, logFile: "x.log", command: "mvn verify")
        result.errors = [
            PlanBuildModel.Issue(file: nil, line: nil, message: "no location", severity: .error, category: "build_error"),
            PlanBuildModel.Issue(file: "pom.xml", line: nil, message: "no line", severity: .error, category: "dependency_error"),
        ]
        let toon = ResultFormatter.toon(result.json())
        #expect(toon.contains("\n-\t-\tno location\tbuild_error"))
        #expect(toon.contains("\npom.xml\t-\tno line\tdependency_error"))
        let json = ResultFormatter.json(result.json())
        #expect(json.contains(#""file": null"#))
        #expect(json.contains(#""line": null"#))
    }

    @Test func structuredWarningsGetTheAcceptedColumn() {
        var result = BuildResult(status: .error, exitCode: 1, durationSeconds: 1, logFile: "x.log", command: "mvn verify")
        let warnings = [
            PlanBuildModel.Issue(file: "A.java", line: 4, message: "[deprecation] old", severity: .warning, category: "deprecation_warning"),
            PlanBuildModel.Issue(file: "B.java", line: 9, message: "unused", severity: .warning, category: "other"),
        ]
        result.warnings = WarningMode.filter(warnings, patterns: WarningPatterns(["^\\[deprecation\\]"]), mode: .structured)
        let toon = ResultFormatter.toon(result.json(includeAccepted: true))
        #expect(toon == """
        status\terror
        exit_code\t1
        duration_seconds\t1
        log_file\tx.log
        command\tmvn verify

        warnings[2]{file,line,message,accepted}:
        A.java\t4\t[deprecation] old\t[accepted]
        B.java\t9\tunused\t
        """)

        // Without any accepted warning there is no accepted column.
        result.warnings = WarningMode.filter(warnings, patterns: WarningPatterns([]), mode: .structured)
        let plain = ResultFormatter.toon(result.json(includeAccepted: true))
        #expect(plain.contains("warnings[2]{file,line,message}:"))
        #expect(!plain.contains("accepted"))
    }

    @Test func acceptedFalseEverywhereGivesNoAcceptedColumn() throws {
        // Rows as pb_parse returns them (Issue.fullJSON) carry "accepted": false; no warning is
        // accepted, so there is no accepted column (only when a warning carries the flag).
        var result = BuildResult(status: .error, exitCode: 1, durationSeconds: 1, logFile: "x.log", command: "mvn verify").json()
        result["warnings"] = .array([
            PlanBuildModel.Issue(file: "A.java", line: 4, message: "old", severity: .warning, category: "other").fullJSON,
            PlanBuildModel.Issue(file: "B.java", line: 9, message: "unused", severity: .warning, category: "other").fullJSON,
        ])
        let toon = ResultFormatter.toon(result)
        #expect(toon.hasSuffix("\n\nwarnings[2]{file,line,message}:\nA.java\t4\told\nB.java\t9\tunused"))
    }

    @Test func emptySectionsAreLeftOut() {
        var result = BuildResult(status: .success, exitCode: 0, durationSeconds: 5, logFile: "x.log", command: "npm test",
                                 commandType: "npm")
        result.errors = []
        result.warnings = []
        let toon = ResultFormatter.toon(result.json())
        #expect(toon == "status\tsuccess\nexit_code\t0\nduration_seconds\t5\nlog_file\tx.log\ncommand\tnpm test\ncommand_type\tnpm")
    }

    @Test func testsSectionInToonAndJSON() {
        var result = BuildResult(status: .success, exitCode: 0, durationSeconds: 5, logFile: "x.log", command: "mvn test")
        result.tests = TestSummary(passed: 5, failed: 1, skipped: 1)
        let toon = ResultFormatter.toon(result.json())
        #expect(toon.hasSuffix("\n\ntests:\n  passed: 5\n  failed: 1\n  skipped: 1"))
        let json = ResultFormatter.json(result.json())
        #expect(json.hasSuffix("\"tests\": {\n    \"passed\": 5,\n    \"failed\": 1,\n    \"skipped\": 1,\n    \"total\": 7\n  }\n}"))
    }

    @Test func fieldConstants() {
        #expect(ResultFormatter.coreFields == ["status", "exit_code", "duration_seconds", "log_file", "command"])
        #expect(ResultFormatter.extraFields == ["error", "timeout_used_seconds", "wrapper", "command_type"])
        #expect(ResultFormatter.structuredFields == ["errors", "warnings", "tests"])
    }
}
