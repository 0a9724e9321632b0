import Foundation
import Testing
import PlanBuildModel
import PlanBuildParsing

/// The real-log corpus (Tests/Fixtures/logs/<tool>/<case>.log + .expected.json) read by the
/// Maven and Gradle parsers: build status, test counts, and every expected issue reported exactly
/// once with nothing else reported.
struct JVMParserCorpusTests {
    static let logsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/logs")
    /// The same logs as CI systems store them (scripts/make-fixtures --ci).
    static let ciLogsDirectory = logsDirectory.deletingLastPathComponent().appendingPathComponent("logs-ci")

    struct ExpectedIssue: CustomStringConvertible {
        var file: String?
        var line: Int?
        var contains: String
        var severity: String
        var category: String
        var description: String { "\(severity)/\(category) \(file ?? "-"):\(line.map(String.init) ?? "-") «\(contains)»" }
    }

    struct Case: CustomStringConvertible, Sendable {
        var name: String   // tool/case
        var log: String
        var expectation: String
        var description: String { name }
    }

    struct Expectation {
        var tool: String
        var parser: String
        /// What the parser must report: "log_status" when given (nil: the log shows no outcome),
        /// else "build_status".
        var status: String?
        var issues: [ExpectedIssue]
        var tests: TestSummary?
    }

    /// Every case whose parser is maven or gradle, plain and CI-shaped.
    static func cases() -> [Case] {
        cases(in: logsDirectory, label: "") + cases(in: ciLogsDirectory, label: "ci:")
    }

    static func cases(in directory: URL, label: String) -> [Case] {
        let fm = FileManager.default
        guard let tools = try? fm.contentsOfDirectory(atPath: directory.path) else { return [] }
        var found: [Case] = []
        for tool in tools.sorted() {
            let dir = directory.appendingPathComponent(tool)
            guard let files = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
            for file in files.sorted() where file.hasSuffix(".expected.json") {
                let base = String(file.dropLast(".expected.json".count))
                let log = dir.appendingPathComponent(base + ".log").path
                let expectation = dir.appendingPathComponent(file).path
                guard fm.fileExists(atPath: log), let parsed = try? load(expectation),
                      ["maven", "gradle"].contains(parsed.parser) else { continue }
                found.append(Case(name: "\(label)\(tool)/\(base)", log: log, expectation: expectation))
            }
        }
        return found
    }

    static func load(_ path: String) throws -> Expectation {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let issues = (object["issues"] as? [[String: Any]] ?? []).map { item in
            ExpectedIssue(file: item["file"] as? String, line: (item["line"] as? NSNumber)?.intValue,
                          contains: item["message_contains"] as? String ?? "", severity: item["severity"] as? String ?? "",
                          category: item["category"] as? String ?? "")
        }
        var tests: TestSummary?
        if let t = object["tests"] as? [String: Any] {
            func n(_ key: String) -> Int { (t[key] as? NSNumber)?.intValue ?? -1 }
            tests = TestSummary(passed: n("passed"), failed: n("failed"), skipped: n("skipped"), total: n("total"))
        }
        let status = object.keys.contains("log_status") ? object["log_status"] as? String : object["build_status"] as? String ?? ""
        return Expectation(tool: object["tool"] as? String ?? "", parser: object["parser"] as? String ?? "",
                           status: status, issues: issues, tests: tests)
    }

    static func matches(_ expected: ExpectedIssue, _ issue: PlanBuildModel.Issue) -> Bool {
        guard issue.severity.rawValue == expected.severity, issue.category == expected.category else { return false }
        if let file = expected.file, !(issue.file ?? "").hasSuffix(file) { return false }
        if let line = expected.line, issue.line != line { return false }
        return issue.message.contains(expected.contains)
    }

    /// A one-to-one assignment of expected issues to reported ones (augmenting paths), so that a
    /// reported issue never satisfies two expectations.
    static func assign(_ expected: [ExpectedIssue], _ reported: [PlanBuildModel.Issue]) -> (missed: [Int], extra: [Int]) {
        var owner = [Int?](repeating: nil, count: reported.count)
        func augment(_ e: Int, _ visited: inout [Bool]) -> Bool {
            for r in reported.indices where !visited[r] && matches(expected[e], reported[r]) {
                visited[r] = true
                if owner[r] == nil || augment(owner[r]!, &visited) {
                    owner[r] = e
                    return true
                }
            }
            return false
        }
        var missed: [Int] = []
        for e in expected.indices {
            var visited = [Bool](repeating: false, count: reported.count)
            if !augment(e, &visited) { missed.append(e) }
        }
        let extra = reported.indices.filter { owner[$0] == nil }
        return (missed, extra)
    }

    static func describe(_ issue: PlanBuildModel.Issue) -> String {
        let head = issue.message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return "\(issue.severity.rawValue)/\(issue.category ?? "-") \(issue.file ?? "-"):\(issue.line.map(String.init) ?? "-") «\(head)»"
    }

    static func describe(_ tests: TestSummary?) -> String {
        tests.map { "passed \($0.passed) failed \($0.failed) skipped \($0.skipped) total \($0.total)" } ?? "null"
    }

    @Test("corpus case", arguments: cases())
    func corpusCase(_ item: Case) throws {
        let expectation = try Self.load(item.expectation)
        let outcome = try ParserRegistry.parse(logFile: item.log, parser: expectation.parser)
        var problems: [String] = []
        if outcome.buildStatus?.rawValue != expectation.status {
            problems.append("build_status: expected \(expectation.status ?? "null"), got \(outcome.buildStatus?.rawValue ?? "null")")
        }
        if outcome.tests != expectation.tests {
            problems.append("tests: expected \(Self.describe(expectation.tests)), got \(Self.describe(outcome.tests))")
        }
        let (missed, extra) = Self.assign(expectation.issues, outcome.issues)
        for index in missed { problems.append("missed: \(expectation.issues[index])") }
        for index in extra { problems.append("unexpected: \(Self.describe(outcome.issues[index]))") }
        let reported: [String] = outcome.issues.map { Self.describe($0) }
        let summary: String = item.name + ":\n  " + problems.joined(separator: "\n  ")
        let listing: String = "\n  reported: " + reported.joined(separator: "\n            ")
        #expect(problems.isEmpty, Comment(rawValue: summary + listing))
    }

    @Test("at least one JVM case is present")
    func corpusIsPresent() {
        #expect(!Self.cases().isEmpty)
    }

    /// Precision and recall per tool and severity over the whole corpus (printed; the per-case
    /// test is the one that fails).
    @Test("corpus statistics")
    func statistics() throws {
        struct Tally { var expected = 0; var reported = 0; var matched = 0 }
        var tallies: [String: Tally] = [:]
        for item in Self.cases() {
            let expectation = try Self.load(item.expectation)
            let outcome = try ParserRegistry.parse(logFile: item.log, parser: expectation.parser)
            for severity in ["error", "warning"] {
                let expected = expectation.issues.filter { $0.severity == severity }
                let reported = outcome.issues.filter { $0.severity.rawValue == severity }
                let (missed, _) = Self.assign(expected, reported)
                let key = "\(expectation.tool) \(severity)s"
                var tally = tallies[key, default: Tally()]
                tally.expected += expected.count
                tally.reported += reported.count
                tally.matched += expected.count - missed.count
                tallies[key] = tally
            }
        }
        for (key, tally) in tallies.sorted(by: { $0.key < $1.key }) {
            let precision = tally.reported == 0 ? 1 : Double(tally.matched) / Double(tally.reported)
            let recall = tally.expected == 0 ? 1 : Double(tally.matched) / Double(tally.expected)
            print("JVM corpus \(key): expected \(tally.expected) reported \(tally.reported) matched \(tally.matched) "
                  + "precision \(String(format: "%.3f", precision)) recall \(String(format: "%.3f", recall))")
        }
    }

    // MARK: Robustness

    /// Arbitrary bytes, fixture lines cut and spliced at random, huge numbers, lines without
    /// newline: the parsers must never trap.
    @Test("never traps on arbitrary input", arguments: ["maven", "gradle"])
    func fuzz(_ parser: String) throws {
        var generator = JVMSplitMix(seed: parser == "maven" ? 42 : 4242)
        var corpusLines: [[UInt8]] = []
        for item in Self.cases() {
            if let data = FileManager.default.contents(atPath: item.log) {
                corpusLines += data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
            }
        }
        corpusLines += [
            Array("[ERROR] /a/B.java:[99999999999999999999,1] x".utf8),
            Array("[ERROR] /a/B.java:[".utf8), Array("[ERROR] :[1,2]".utf8), Array(":compileJava/a.java:".utf8),
            Array("[ERROR]   A.b:99999999999999999999999 x".utf8), Array("Tests run: 9999999999999, Failures: 9999999999".utf8),
            Array("[ERROR] Tests run: 3, Failures: 5, Errors: 9, Skipped: 7".utf8),
            Array("99999999999999999999 tests completed, 99999999999 failed, 999999999999 skipped".utf8),
            Array("e: file:///a.kt:1:".utf8), Array("e: /a.kt: (1, ".utf8), Array("x > y FAILED".utf8),
            Array(" > FAILED".utf8), Array("\tat (".utf8), Array("\tat a.b(c:".utf8), Array("a:1: error: ".utf8),
            Array("[ERROR] <<< FAILURE!".utf8), Array("[ERROR] (x)  Time elapsed <<< ERROR!".utf8), Array("[ERROR] Failures: ".utf8),
            Array("[ERROR]   .x:1".utf8), Array("[ERROR]   A.:1 »".utf8), Array("* What went wrong:".utf8), [0xFF, 0xFE, 0x00, 0x1B, 0x5B],
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jvm-fuzz-\(getpid())-\(parser)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rounds = Int(ProcessInfo.processInfo.environment["JVM_FUZZ_ROUNDS"] ?? "") ?? 60
        for round in 0..<rounds {
            var bytes: [UInt8] = []
            for _ in 0..<(200 + Int(generator.next() % 400)) {
                switch generator.next() % 6 {
                case 0:
                    bytes += (0..<Int(generator.next() % 80)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                case 1:
                    let line = corpusLines[Int(generator.next() % UInt64(corpusLines.count))]
                    let cut = line.isEmpty ? 0 : Int(generator.next() % UInt64(line.count + 1))
                    bytes += line[..<cut]
                default:
                    bytes += corpusLines[Int(generator.next() % UInt64(corpusLines.count))]
                }
                if generator.next() % 8 != 0 { bytes.append(0x0A) }
            }
            if round == 0 { bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 200_000) }
            let path = directory.appendingPathComponent("\(round).log").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            _ = try ParserRegistry.parse(logFile: path, parser: parser)
        }
    }

    /// Times a parser over a big log when JVM_BENCH_LOG names one (JVM_BENCH_PARSER: maven by default).
    @Test("benchmark (JVM_BENCH_LOG)")
    func benchmark() throws {
        guard let path = ProcessInfo.processInfo.environment["JVM_BENCH_LOG"] else { return }
        let parser = ProcessInfo.processInfo.environment["JVM_BENCH_PARSER"] ?? "maven"
        let start = Date()
        let outcome = try ParserRegistry.parse(logFile: path, parser: parser)
        print("JVM benchmark \(parser) \(path): \(Date().timeIntervalSince(start)) s, \(outcome.errors.count) errors, "
              + "\(outcome.warnings.count) warnings, tests \(Self.describe(outcome.tests))")
    }
}

struct JVMSplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Shapes the corpus does not hold (other Maven, surefire, Gradle and Kotlin versions), written
/// from those tools' documented output.
struct JVMParserShapeTests {
    static func maven(_ text: String) throws -> ParseOutcome { try ParserRegistry.run(MavenLogParser.self, text: text) }
    static func gradle(_ text: String) throws -> ParseOutcome { try ParserRegistry.run(GradleLogParser.self, text: text) }

    static func failures(_ outcome: ParseOutcome) -> [PlanBuildModel.Issue] {
        outcome.issues.filter { $0.category == "test_failure" }
    }

    @Test func surefire3WithJUnit5() throws {
        let outcome = try Self.maven("""
        [INFO] Running demo.CalcTest
        [ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in demo.CalcTest
        [ERROR] demo.CalcTest.subtracts -- Time elapsed: 0.01 s <<< FAILURE!
        org.opentest4j.AssertionFailedError: expected: <1> but was: <5>
        \tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)
        \tat demo.CalcTest.subtracts(CalcTest.java:18)
        \tat java.base/java.lang.reflect.Method.invoke(Method.java:568)

        [INFO]
        [INFO] Results:
        [INFO]
        [ERROR] Failures:
        [ERROR]   CalcTest.subtracts:18 expected: <1> but was: <5>
        [INFO]
        [ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0
        [INFO] BUILD FAILURE
        [ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project demo: There are test failures.
        """)
        #expect(outcome.buildStatus == .failure)
        #expect(outcome.tests == TestSummary(passed: 2, failed: 1, skipped: 0, total: 3))
        let failures = Self.failures(outcome)
        #expect(failures.count == 1)
        #expect(failures.first?.file == "demo/CalcTest.java")
        #expect(failures.first?.line == 18)
        #expect(failures.first?.message.contains("expected: <1> but was: <5>") == true)
        #expect(outcome.errors.count == 1, "the surefire goal failure is explained by the test: \(outcome.errors)")
    }

    @Test func surefire2WithJUnit5BareMethodNames() throws {
        let outcome = try Self.maven("""
        [INFO] Running demo.CalcTest
        [ERROR] Tests run: 2, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! - in demo.CalcTest
        [ERROR] divides  Time elapsed: 0.01 s  <<< ERROR!
        java.lang.IllegalStateException: boom
        \tat demo.Calc.div(Calc.java:9)
        \tat demo.CalcTest.divides(CalcTest.java:23)

        [ERROR] Errors:
        [ERROR]   CalcTest.divides:23 » IllegalState boom
        [ERROR] Tests run: 2, Failures: 0, Errors: 1, Skipped: 0
        """)
        let failures = Self.failures(outcome)
        #expect(failures.count == 1)
        #expect(failures.first?.line == 23)
        #expect(failures.first?.file == "demo/CalcTest.java")
        #expect(failures.first?.message.contains("IllegalStateException: boom") == true)
        #expect(outcome.buildStatus == .failure)
    }

    @Test func oldMavenUnprefixedSurefire() throws {
        let outcome = try Self.maven("""
        -------------------------------------------------------
         T E S T S
        -------------------------------------------------------
        Running demo.CalcTest
        Tests run: 3, Failures: 1, Errors: 1, Skipped: 0, Time elapsed: 0.05 sec <<< FAILURE!
        subtracts(demo.CalcTest)  Time elapsed: 0.01 sec  <<< FAILURE!
        java.lang.AssertionError: expected:<1> but was:<5>
        \tat org.junit.Assert.fail(Assert.java:88)
        \tat demo.CalcTest.subtracts(CalcTest.java:18)

        boom(demo.CalcTest)  Time elapsed: 0 sec  <<< ERROR!
        java.lang.IllegalStateException: boom
        \tat demo.Calc.div(Calc.java:9)
        \tat demo.CalcTest.boom(CalcTest.java:23)


        Results :

        Failed tests:   subtracts(demo.CalcTest): expected:<1> but was:<5>

        Tests in error:
          boom(demo.CalcTest): boom

        Tests run: 3, Failures: 1, Errors: 1, Skipped: 0

        [INFO] ------------------------------------------------------------------------
        [INFO] BUILD FAILURE
        """)
        #expect(outcome.tests == TestSummary(passed: 1, failed: 2, skipped: 0, total: 3))
        let failures = Self.failures(outcome)
        #expect(failures.count == 2)
        #expect(Set(failures.compactMap(\.line)) == [18, 23])
        #expect(outcome.issues.count == 2)
    }

    @Test func rerunsAndFlakes() throws {
        let outcome = try Self.maven("""
        [ERROR] Failures:
        [ERROR] demo.CalcTest.bad(demo.CalcTest)
        [ERROR]   Run 1: CalcTest.bad:12 expected:<1> but was:<2>
        [ERROR]   Run 2: CalcTest.bad:12 expected:<1> but was:<2>
        [INFO]
        [WARNING] Flakes:
        [WARNING] demo.CalcTest.flaky(demo.CalcTest)
        [ERROR]   Run 1: CalcTest.flaky:30 expected:<3> but was:<4>
        [INFO]   Run 2: PASS
        [INFO]
        [ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0, Flakes: 1
        """)
        let failures = Self.failures(outcome)
        #expect(failures.count == 1, "\(outcome.issues)")
        #expect(failures.first?.line == 12)
        #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
        #expect(outcome.tests == TestSummary(passed: 3, failed: 1, skipped: 0, total: 4))
    }

    @Test func mavenErrorsWithoutGoalFailure() throws {
        let outcome = try Self.maven("""
        [INFO] Scanning for projects...
        [ERROR] Unknown lifecycle phase "verfy". You must specify a valid lifecycle phase or a goal. -> [Help 1]
        [ERROR]
        [ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.
        [ERROR] Re-run Maven using the -X switch to enable full debug logging.
        [ERROR]
        [ERROR] For more information about the errors and possible solutions, please read the following articles:
        [ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/LifecyclePhaseNotFoundException
        """)
        #expect(outcome.buildStatus == .failure)
        #expect(outcome.issues.count == 1)
        #expect(outcome.issues.first?.category == "build_error")
        #expect(outcome.issues.first?.message == "Unknown lifecycle phase \"verfy\". You must specify a valid lifecycle phase or a goal.")
    }

    @Test func kotlinUnderMavenAndGradle() throws {
        let maven = try Self.maven("""
        [ERROR] /src/main/kotlin/demo/Main.kt: (6, 18) Type mismatch: inferred type is String but Int was expected
        [ERROR] file:///src/main/kotlin/demo/Main.kt:7:13 Unresolved reference: y
        [WARNING] /src/main/kotlin/demo/Main.kt: (9, 5) 'oldWay(): Int' is deprecated. use newWay()
        """)
        #expect(maven.errors.map(\.line) == [6, 7])
        #expect(maven.errors.allSatisfy { $0.file == "/src/main/kotlin/demo/Main.kt" && $0.category == "compilation_error" })
        #expect(maven.warnings.first?.category == "deprecation_warning")

        let gradle = try Self.gradle("""
        > Task :compileKotlin FAILED
        e: /src/main/kotlin/demo/Main.kt: (6, 18): Type mismatch: inferred type is String but Int was expected
        e: file:///src/main/kotlin/demo/Main.kt:7:13 Unresolved reference: y
        w: file:///src/main/kotlin/demo/Main.kt:10:14 Unchecked cast: List<Any> to List<String>

        FAILURE: Build failed with an exception.

        * What went wrong:
        Execution failed for task ':compileKotlin'.
        > Compilation error. See log for more details

        BUILD FAILED in 3s
        """)
        #expect(gradle.errors.map(\.line) == [6, 7], "\(gradle.issues)")
        #expect(gradle.errors.map(\.message).first?.hasPrefix("Type mismatch") == true)
        #expect(gradle.warnings.first?.category == "unchecked_warning")
        #expect(gradle.buildStatus == .failure)
    }

    /// Kotlin 1.8+ Gradle plugins print a plain path with `:L:C` after `e:`/`w:` (no such
    /// compiler is installable here, so these lines are written after its documented format).
    @Test func kotlinPlainPathWithLineAndColumn() throws {
        let gradle = try Self.gradle("""
        > Task :compileKotlin FAILED
        e: /src/main/kotlin/demo/Main.kt:7:13 Unresolved reference: y
        w: /src/main/kotlin/demo/Main.kt:10:14: warning: Unchecked cast: List<Any> to List<String>
        """)
        #expect(gradle.errors.map(\.line) == [7])
        #expect(gradle.errors.first?.file == "/src/main/kotlin/demo/Main.kt")
        #expect(gradle.warnings.first?.line == 10)
        #expect(gradle.warnings.first?.message.hasPrefix("Unchecked cast") == true)
    }

    /// Identical file-less messages of two tasks are two issues; printed twice by one task, one.
    @Test func fileLessMessagesAreIssuesPerTask() throws {
        let gradle = try Self.gradle("""
        > Task :a:compileJava
        warning: [options] bootstrap class path not set in conjunction with -source 8
        warning: [options] bootstrap class path not set in conjunction with -source 8
        > Task :b:compileJava
        warning: [options] bootstrap class path not set in conjunction with -source 8
        """)
        #expect(gradle.warnings.count == 2)
        #expect(gradle.buildStatus == nil)
    }

    /// Maven 3.9 names a plugin by its prefix in the execution header: javadoc's progress lines
    /// (all printed as [WARNING]) stay noise.
    @Test func maven39PluginPrefixes() throws {
        let maven = try Self.maven("""
        [INFO] --- javadoc:3.6.3:javadoc (api-docs) @ demo ---
        [WARNING] Javadoc Warnings
        [WARNING] Loading source files for package demo...
        [WARNING] /src/main/java/demo/Docs.java:14: warning: no comment
        [INFO] BUILD SUCCESS
        """)
        #expect(maven.warnings.count == 1)
        #expect(maven.warnings.first?.category == "javadoc_warning")
        #expect(maven.buildStatus == .success)
    }

    @Test func newerGradleTaskHeadersAndJUnit5Names() throws {
        let outcome = try Self.gradle("""
        > Task :app:compileJava
        > Task :app:test FAILED

        CalcTest > subtracts() FAILED
            org.opentest4j.AssertionFailedError at CalcTest.java:18

        3 tests completed, 1 failed

        FAILURE: Build failed with an exception.

        * What went wrong:
        Execution failed for task ':app:test'.
        > There were failing tests. See the report at: file:///x/build/reports/tests/test/index.html

        BUILD FAILED in 5s
        """)
        #expect(outcome.tests == TestSummary(passed: 2, failed: 1, skipped: 0, total: 3))
        #expect(outcome.issues.count == 1)
        #expect(outcome.issues.first?.file == "CalcTest.java")
        #expect(outcome.issues.first?.line == 18)
        #expect(outcome.issues.first?.message.contains("subtracts") == true)
    }

    @Test func gradleGluedTestOutputAndTwoErrorsOnOneLine() throws {
        let outcome = try Self.gradle("""
        :app:compileJava/src/A.java:3: error: cannot find symbol
            int f() { return x + y; }
                             ^
          symbol:   variable x
          location: class A
        /src/A.java:3: error: cannot find symbol
            int f() { return x + y; }
                                 ^
          symbol:   variable y
          location: class A
        2 errors
         FAILED
        :app:testdemo.ATest > bad FAILED
            java.lang.AssertionError at ATest.java:9
        """)
        let compile = outcome.errors.filter { $0.category == "compilation_error" }
        #expect(compile.count == 2)
        #expect(compile.allSatisfy { $0.file == "/src/A.java" && $0.line == 3 })
        #expect(Self.failures(outcome).first?.file == "demo/ATest.java")
        #expect(outcome.buildStatus == .failure)
    }
}
