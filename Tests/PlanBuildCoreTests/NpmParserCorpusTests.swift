import Foundation
import Testing
@testable import PlanBuildModel
@testable import PlanBuildParsing

/// The npm parser against the corpus of real logs under Tests/Fixtures/logs/<tool>/<case>.log,
/// each with its `<case>.expected.json` (every case whose "parser" is "npm"), and against
/// arbitrary bytes.
@Suite struct NpmParserCorpusTests {
    // MARK: Corpus

    @Test("npm corpus case", arguments: NpmCorpus.cases())
    func corpusCase(_ corpusCase: NpmCorpus.Case) throws {
        let outcome = try ParserRegistry.parse(logFile: corpusCase.logPath, parser: "npm")
        let result = NpmCorpus.compare(outcome, corpusCase)
        if let reason = NpmCorpus.underivableStatus[corpusCase.name] {
            withKnownIssue(Comment(rawValue: reason)) {
                #expect(outcome.buildStatus?.rawValue == corpusCase.buildStatus, "build status of \(corpusCase.name)")
            }
        } else {
            #expect(outcome.buildStatus?.rawValue == corpusCase.buildStatus, "build status of \(corpusCase.name)")
        }
        #expect(outcome.tests == corpusCase.tests, "tests of \(corpusCase.name)")
        for expected in result.missing {
            Testing.Issue.record("\(corpusCase.name): expected issue not reported: \(expected)")
        }
        for reported in result.unexpected {
            Testing.Issue.record("\(corpusCase.name): reported issue not expected: \(reported.severity.rawValue) \(reported.category ?? "-") \(reported.file ?? "-"):\(reported.line.map(String.init) ?? "-") \(reported.message)")
        }
    }

    @Test("the corpus holds npm cases")
    func corpusIsThere() {
        #expect(!NpmCorpus.cases().isEmpty, "no npm case under \(NpmCorpus.logsDirectory)")
    }

    /// Precision and recall over the whole npm corpus, printed for the record.
    @Test("precision and recall over the corpus")
    func precisionAndRecall() throws {
        var truePositives: [PlanBuildModel.Issue.Severity: Int] = [:]
        var falsePositives: [PlanBuildModel.Issue.Severity: Int] = [:]
        var falseNegatives: [PlanBuildModel.Issue.Severity: Int] = [:]
        for corpusCase in NpmCorpus.cases() {
            let outcome = try ParserRegistry.parse(logFile: corpusCase.logPath, parser: "npm")
            let result = NpmCorpus.compare(outcome, corpusCase)
            for expected in corpusCase.issues {
                let severity = PlanBuildModel.Issue.Severity(rawValue: expected.severity) ?? .error
                if result.missing.contains(expected) { falseNegatives[severity, default: 0] += 1 }
                else { truePositives[severity, default: 0] += 1 }
            }
            for reported in result.unexpected { falsePositives[reported.severity, default: 0] += 1 }
        }
        for severity in [PlanBuildModel.Issue.Severity.error, .warning] {
            let tp = truePositives[severity, default: 0], fp = falsePositives[severity, default: 0], fn = falseNegatives[severity, default: 0]
            let precision = tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp)
            let recall = tp + fn == 0 ? 1 : Double(tp) / Double(tp + fn)
            print("npm corpus \(severity.rawValue)s: tp \(tp) fp \(fp) fn \(fn) precision \(precision) recall \(recall)")
        }
    }

    /// The corpus logs one after the other, twice, yield exactly the distinct issues of the logs
    /// read one by one (what benchmarks/parse checks on its big log): no state leaks from one
    /// log into the next, and repeats collapse.
    @Test("concatenated corpus logs yield the union of their issues")
    func concatenation() throws {
        let cases = NpmCorpus.cases()
        try #require(!cases.isEmpty)
        struct Key: Hashable { let file: String?; let line: Int?; let head: String; let severity: String }
        func key(_ issue: PlanBuildModel.Issue) -> Key {
            Key(file: issue.file, line: issue.line,
                head: String(issue.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""),
                severity: issue.severity.rawValue)
        }
        var union = Set<Key>()
        var round = Data()
        for corpusCase in cases {
            let outcome = try ParserRegistry.parse(logFile: corpusCase.logPath, parser: "npm")
            union.formUnion(outcome.issues.map(key))
            var data = FileManager.default.contents(atPath: corpusCase.logPath) ?? Data()
            if data.last != 0x0A { data.append(0x0A) }
            round.append(data)
        }
        let path = NSTemporaryDirectory() + "npm-corpus-rounds-\(getpid()).log"
        _ = FileManager.default.createFile(atPath: path, contents: round + round)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let together = try ParserRegistry.parse(logFile: path, parser: "npm")
        let got = Set(together.issues.map(key))
        #expect(got.subtracting(union).isEmpty, "issues only in the concatenation: \(got.subtracting(union))")
        #expect(union.subtracting(got).isEmpty, "issues lost in the concatenation: \(union.subtracting(got))")
        #expect(together.issues.count == got.count, "every issue reported once")
    }

    // MARK: Robustness

    /// Arbitrary bytes, and bytes built from the pieces the recognizers look for, never trap.
    @Test("arbitrary bytes never trap")
    func fuzz() throws {
        let pieces: [String] = [
            "npm error ", "npm ERR! ", "npm error code E404", "npm error code ", "npm error A complete log of this run can be found in:",
            "not ok ", "not ok 1 - ", "ok 1 - x", "  ---", "  ...", "  location: '", "  location: '/a.js:", "  error: |-", "  stack: |-",
            "  failureType: 'subtestsFailed'", "# tests ", "# pass 99999999999999999999999", "# fail -1", "ℹ tests 3", "✖ failing tests:",
            "test at ", "test at a.js:1:", "✖ ", "FAIL ", "PASS ", " FAIL  ", "  ● ", "  ● Test suite failed to run", "Tests: ",
            "Tests:       1 failed, 2 passed, 3 total", "Test Suites: 1 failed", "      at ", "at Object.<anonymous> (", "(x.test.js:12:5)",
            "    > 4 | ", "        | ", "a.ts(", "a.ts(1,2): error TS", "): error TS", ":1:2 - error TS", " - error TS1: ", "error TS",
            "Found ", "Found 99999999999999999999 errors", "/abs/a.js", "  1:2  error  x  rule", "  1:", "  99999999999999999999999:1  warning  m",
            "/a.js:1:2: m [Error/r]", "[Warning", "[Error/", ": line ", ": line 1, col 2, Error - m (r)", ", col ", "Oops! Something went wrong!",
            "ESLint: 6.4.0.", "✖ 3 problems (", "(", ")", ":", "::", "'", "\"", "\r", "\u{1B}[31m", "\u{1B}[", "  console.log", "    ",
            "\t", "•", "›", "\u{FFFD}",
            // Relative stylish headers, yarn classic, tape.
            "src/a.js", "a.tsx", "x.vue", "yarn run v1.22.19", "yarn workspaces v1", "error Command failed with exit code ",
            "error Command failed.", "Exit code: ", "Directory: ", "Output:", "$ tsc", "error TS2", "info Visit ",
            "error /p/node_modules/x: Command failed.", "error C:\\p\\x: Command failed.", "Arguments: ", "Command: node b.js",
            "error Command \"lint\" not found.", "warning package.json: No license field", "success Saved lockfile.",
            "yarn install v1.22.19", "yarn workspace v1.22.19", "[4/4] Building fresh packages...",
            "TAP version 13", "ok 1 ", "ok 99999999999999999999 # SKIP", "not ok 2 x # TODO", "    operator: equal",
            "    at: Test.<anonymous> (/p/t.js:1:", "    expected: ", "    actual:   ", "# pass  2", "# fail  1",
        ]
        var generator = NpmFuzzRandom(seed: 0x5EED)
        for round in 0..<60 {
            var bytes: [UInt8] = []
            for _ in 0..<400 {
                switch generator.next() % 4 {
                case 0:
                    for _ in 0..<(generator.next() % 40) { bytes.append(UInt8(truncatingIfNeeded: generator.next())) }
                default:
                    for _ in 0..<(1 + generator.next() % 5) {
                        bytes.append(contentsOf: Array(pieces[Int(generator.next() % UInt64(pieces.count))].utf8))
                        if generator.next() % 3 == 0 { bytes.append(UInt8(ascii: "0") + UInt8(generator.next() % 10)) }
                    }
                }
                if generator.next() % 5 != 0 { bytes.append(0x0A) }
            }
            if round % 10 == 0 { bytes.append(contentsOf: [UInt8](repeating: UInt8(ascii: "("), count: 70_000)) }
            let path = NSTemporaryDirectory() + "npm-fuzz-\(getpid())-\(round).log"
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let outcome = try ParserRegistry.parse(logFile: path, parser: "npm")
            #expect(outcome.issues.count <= IssueCollector.maximumIssues)
        }
    }

    /// A run of distinct diagnostics stays within the collector's bound, and a long message is cut.
    @Test("collections stay bounded")
    func bounded() throws {
        var text = "npm error code ELIFECYCLE\n"
        for index in 0..<5_000 { text += "npm error line \(index) " + String(repeating: "x", count: 100) + "\n" }
        text += "\n"
        for index in 0..<12_000 { text += "a.ts(\(index + 1),1): error TS2322: Type \(index) is wrong.\n" }
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: text)
        #expect(outcome.issues.count == IssueCollector.maximumIssues)
        #expect(outcome.issues[0].message.utf8.count <= NpmText.maximumMessage)
        #expect(outcome.buildStatus == .failure)
    }

    /// Opt-in timing: `PLANBUILD_NPM_BENCH=/path/big.log swift test -c release --filter NpmParserCorpus`
    /// prints how long the reader alone and the npm parser take on that log.
    @Test("benchmark (opt-in)", .enabled(if: ProcessInfo.processInfo.environment["PLANBUILD_NPM_BENCH"] != nil))
    func benchmark() throws {
        let path = ProcessInfo.processInfo.environment["PLANBUILD_NPM_BENCH"] ?? ""
        let clock = ContinuousClock()
        var lines = 0
        let reading = try clock.measure { try LogReader.forEachLine(ofFile: path) { _ in lines += 1 } }
        var outcome: ParseOutcome?
        let parsing = try clock.measure { outcome = try ParserRegistry.parse(logFile: path, parser: "npm") }
        print("npm benchmark: \(lines) lines; reader alone \(reading); npm parser \(parsing); \(outcome?.issues.count ?? 0) issues")
    }

    // MARK: Small logs of each tool

    @Test("tsc pretty: related locations and the summary table are not issues")
    func typescriptPretty() throws {
        let log = """
        \u{1B}[96ma.ts\u{1B}[0m:\u{1B}[93m2\u{1B}[0m:\u{1B}[93m30\u{1B}[0m - \u{1B}[91merror\u{1B}[0m\u{1B}[90m TS2322: \u{1B}[0mType 'string' is not assignable to type 'number'.\r

        \u{1B}[7m2\u{1B}[0m const u: User = { name: "x", age: "3" };
        \u{1B}[7m \u{1B}[0m \u{1B}[91m                             ~~~\u{1B}[0m

          \u{1B}[96ma.ts\u{1B}[0m:\u{1B}[93m1\u{1B}[0m:\u{1B}[93m32\u{1B}[0m
            \u{1B}[7m1\u{1B}[0m interface User { name: string; age: number }
            The expected type comes from property 'age' which is declared here on type 'User'

        src/b.ts(1,14): error TS2322: Type '{ a: number; }' is not assignable to type 'B'.
          Object literal may only specify known properties.
        error TS5023: Unknown compiler option '--badopt'.

        Found 3 errors in 2 files.

        Errors  Files
             1  a.ts:2
             1  src/b.ts:1
        """
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: log)
        #expect(outcome.issues.map(\.file) == ["a.ts", "src/b.ts", nil])
        #expect(outcome.issues.map(\.line) == [2, 1, nil])
        #expect(outcome.issues.allSatisfy { $0.category == IssueCategory.compilationError })
        #expect(outcome.issues[1].message.contains("Object literal may only specify known properties."))
        #expect(!outcome.issues[0].message.contains("expected type"))
        #expect(outcome.buildStatus == .failure)
    }

    @Test("jest: the test file's own frame gives the line; todo counts as skipped; runs add up")
    func jest() throws {
        let run = """
        FAIL ./test/calc.test.js
          ● calc › divides by zero

            division by zero

              1 | function div(a, b) {
            > 2 |   if (b === 0) throw new Error("division by zero");
                |                      ^

              at div (src/calc.js:2:22)
              at Object.<anonymous> (test/calc.test.js:7:12)

        PASS ./test/other.test.js
        Tests:       1 failed, 1 skipped, 1 todo, 3 passed, 6 total

        """
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: run + run.replacingOccurrences(of: "divides", with: "splits"))
        #expect(outcome.issues.count == 2)
        #expect(outcome.issues.allSatisfy { $0.file == "test/calc.test.js" && $0.line == 7 && $0.category == IssueCategory.testFailure })
        #expect(outcome.issues[0].message.contains("division by zero"))
        #expect(outcome.tests == TestSummary(passed: 6, failed: 2, skipped: 4, total: 12))
    }

    @Test("node TAP: roll-ups and todo tests are not failures")
    func tap() throws {
        let log = """
        TAP version 13
        # Subtest: math
            # Subtest: adds
            not ok 1 - adds
              ---
              location: '/p/test/a.test.js:5:3'
              failureType: 'testCodeFailure'
              error: |-
                Expected values to be strictly equal:
              ...
            # Subtest: later
            not ok 2 - later # TODO
              ---
              location: '/p/test/a.test.js:6:3'
              ...
            1..2
        not ok 1 - math
          ---
          type: 'suite'
          location: '/p/test/a.test.js:4:1'
          failureType: 'subtestsFailed'
          error: '1 subtest failed'
          ...
        1..1
        # tests 2
        # suites 1
        # pass 0
        # fail 1
        # cancelled 0
        # skipped 0
        # todo 1
        """
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: log)
        #expect(outcome.issues.count == 1)
        #expect(outcome.issues.first?.file == "/p/test/a.test.js")
        #expect(outcome.issues.first?.line == 5)
        #expect(outcome.issues.first?.message.contains("strictly equal") == true)
        #expect(outcome.tests == TestSummary(passed: 0, failed: 1, skipped: 1, total: 2))
        #expect(outcome.buildStatus == .failure)
    }

    @Test("a terminal's redrawn lines are read as the terminal shows them; the failing-tests summary repeats no issue")
    func jestTerminal() throws {
        let log = "\r\r RUNS ...\r\r FAIL ./a.test.js\n"
            + "\r\r\r  \u{1B}[1m● \u{1B}[22madds\n\n    expect(received).toBe(expected)\n\n      at Object.<anonymous> (a.test.js:3:5)\n\n"
            + "Summary of all failing tests\nFAIL ./a.test.js\n  ● adds\n\n    expect(received).toBe(expected)\n\n      at Object.<anonymous> (a.test.js:3:5)\n\n"
            + "Test Suites: 1 failed, 1 total\nTests:       1 failed, 1 total\n"
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: log)
        #expect(outcome.issues.count == 1)
        #expect(outcome.issues.first?.file == "a.test.js")
        #expect(outcome.issues.first?.line == 3)
        #expect(outcome.tests == TestSummary(passed: 0, failed: 1, skipped: 0, total: 1))
    }

    @Test("node spec reporter: only the failing-tests list, the failing line of the test's file")
    func spec() throws {
        let log = """
        ▶ math
          ✖ multiplies (1.2ms)
            AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
                at TestContext.<anonymous> (/p/test/m.test.js:12:22)
        ✖ math (3ms)
        ℹ tests 3
        ℹ pass 1
        ℹ fail 1
        ℹ cancelled 0
        ℹ skipped 0
        ℹ todo 1

        ✖ failing tests:

        test at test/m.test.js:11:3
        ✖ multiplies (1.2ms)
          AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:

          6 !== 7

              at TestContext.<anonymous> (/p/test/m.test.js:12:22)
              at Test.runInAsyncScope (node:async_hooks:206:9) {
            generatedMessage: true
          }
        """
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: log)
        #expect(outcome.issues.count == 1)
        #expect(outcome.issues.first?.file == "test/m.test.js")
        #expect(outcome.issues.first?.line == 12)
        #expect(outcome.issues.first?.message.contains("6 !== 7") == true)
        #expect(outcome.tests == TestSummary(passed: 1, failed: 1, skipped: 1, total: 3))
    }

    @Test("ESLint unix and compact rows, a --max-warnings failure")
    func eslintFormats() throws {
        let log = """
        /p/src/a.js:4:7: 'x' is assigned a value but never used. [Error/no-unused-vars]
        src/b.js: line 2, col 1, Warning - Unexpected console statement. (no-console)

        2 problems
        ESLint found too many warnings (maximum: 0).
        """
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: log)
        #expect(outcome.issues.map(\.file) == ["/p/src/a.js", "src/b.js", nil])
        #expect(outcome.issues.map(\.line) == [4, 2, nil])
        #expect(outcome.issues.map(\.category) == [IssueCategory.lintError, IssueCategory.lintWarning, IssueCategory.lintError])
        #expect(outcome.issues[0].message.contains("(no-unused-vars)"))
    }

    @Test("npm 9 repeats a workspace's missing script after its block: one issue; two failed workspaces: two")
    func npmWorkspaces() throws {
        let repeated = """
        npm ERR! Lifecycle script `test` failed with error:
        npm ERR! Error: Missing script: "test"

        To see a list of scripts, run:
          npm run
        npm ERR!   in workspace: b@1.0.0
        npm ERR!   at location: /p/packages/b
        npm ERR! Missing script: test

        npm ERR! A complete log of this run can be found in:
        npm ERR!     /root/.npm/_logs/x-debug-0.log
        """
        #expect(try ParserRegistry.run(NpmLogParser.self, text: repeated).issues.count == 1)
        let two = """

        > a@1.0.0 check
        > node check.js

        a: config missing
        npm error Lifecycle script `check` failed with error:
        npm error code 1
        npm error path /p/packages/a
        npm error workspace a@1.0.0
        npm error location /p/packages/a
        npm error command failed
        npm error command sh -c node check.js

        > b@1.0.0 check
        > node check.js

        b: config missing
        npm error Lifecycle script `check` failed with error:
        npm error code 1
        npm error path /p/packages/b
        npm error workspace b@1.0.0
        npm error location /p/packages/b
        npm error command failed
        npm error command sh -c node check.js
        """
        let outcome = try ParserRegistry.run(NpmLogParser.self, text: two)
        #expect(outcome.issues.count == 2)
        #expect(outcome.issues.allSatisfy { $0.category == IssueCategory.npmError && $0.file == nil })
        #expect(outcome.issues.first?.message.contains("a: config missing") == true, "the script's output says why")
    }

    @Test("npm errors: one issue per block, boilerplate left out, both spellings")
    func npmErrors() throws {
        let modern = """
        npm error code E404
        npm error 404 Not Found - GET http://127.0.0.1:1/ghost - Not found
        npm error 404
        npm error 404  'ghost@^1.0.0' is not in this registry.
        npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log
        """
        let older = """
        npm ERR! Missing script: "lint"
        npm ERR! 
        npm ERR! To see a list of scripts, run:
        npm ERR!   npm run

        npm ERR! A complete log of this run can be found in:
        npm ERR!     /root/.npm/_logs/x-debug-0.log
        """
        let first = try ParserRegistry.run(NpmLogParser.self, text: modern)
        #expect(first.issues.count == 1)
        #expect(first.issues.first?.category == IssueCategory.npmError)  // E404: an npm command error
        #expect(first.issues.first?.message.contains("'ghost@^1.0.0' is not in this registry.") == true)
        #expect(first.issues.first?.message.contains("complete log") == false)
        let second = try ParserRegistry.run(NpmLogParser.self, text: older)
        #expect(second.issues.count == 1)
        #expect(second.issues.first?.category == IssueCategory.npmError)
        #expect(second.issues.first?.message.hasPrefix("Missing script: \"lint\"") == true)
        #expect(second.buildStatus == .failure)
    }
}

/// The corpus on disk.
enum NpmCorpus {
    struct Expected: Equatable, CustomStringConvertible, Sendable {
        let file: String?
        let line: Int?
        let messageContains: String
        let severity: String
        let category: String
        var description: String { "\(severity) \(category) \(file ?? "-"):\(line.map(String.init) ?? "-") ~\"\(messageContains)\"" }
    }

    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let logPath: String
        let buildStatus: String
        let issues: [Expected]
        let tests: TestSummary?
        var description: String { name }
    }

    struct Comparison {
        var missing: [Expected] = []
        var unexpected: [PlanBuildModel.Issue] = []
    }

    /// Cases whose expected build status no parser can read from the log, with the reason. Their
    /// status check is a known issue (it reports if it ever starts to pass).
    static let underivableStatus: [String: String] = [
        "npm/run-script-fails-silently":
            "npm 10 prints no error line when a script fails outside workspaces, and the script's own output "
            + "('build: nothing to do without src/') says nothing of a failure: only the exit code (3) does, "
            + "and it is not in the log.",
    ]

    static var logsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/logs").path
    }

    /// Every `<tool>/<case>.expected.json` whose parser is "npm" and whose log exists, by name.
    /// The cases of one parser (`npm` unless told; the Python corpus test reuses this reader).
    static func cases(parser: String = "npm") -> [Case] {
        let manager = FileManager.default
        guard let tools = try? manager.contentsOfDirectory(atPath: logsDirectory) else { return [] }
        var result: [Case] = []
        for tool in tools.sorted() {
            let folder = logsDirectory + "/" + tool
            guard let files = try? manager.contentsOfDirectory(atPath: folder) else { continue }
            for file in files.sorted() where file.hasSuffix(".expected.json") {
                let base = String(file.dropLast(".expected.json".count))
                let logPath = folder + "/" + base + ".log"
                guard manager.fileExists(atPath: logPath),
                      let data = manager.contents(atPath: folder + "/" + file),
                      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      json["parser"] as? String == parser else { continue }
                let issues = (json["issues"] as? [[String: Any]] ?? []).map { row in
                    Expected(file: row["file"] as? String, line: row["line"] as? Int,
                             messageContains: row["message_contains"] as? String ?? "",
                             severity: row["severity"] as? String ?? "error", category: row["category"] as? String ?? "")
                }
                var tests: TestSummary?
                if let counts = json["tests"] as? [String: Any] {
                    let passed = counts["passed"] as? Int ?? 0, failed = counts["failed"] as? Int ?? 0
                    let skipped = counts["skipped"] as? Int ?? 0
                    tests = TestSummary(passed: passed, failed: failed, skipped: skipped,
                                        total: counts["total"] as? Int ?? passed + failed + skipped,
                                        durationSeconds: (counts["duration_seconds"] as? NSNumber)?.doubleValue)
                }
                result.append(Case(name: tool + "/" + base, logPath: logPath,
                                   buildStatus: json["build_status"] as? String ?? "", issues: issues, tests: tests))
            }
        }
        return result
    }

    static func matches(_ issue: PlanBuildModel.Issue, _ expected: Expected) -> Bool {
        guard issue.severity.rawValue == expected.severity, issue.category == expected.category,
              issue.message.contains(expected.messageContains) else { return false }
        if let file = expected.file, !(issue.file?.hasSuffix(file) ?? false) { return false }
        if let line = expected.line, issue.line != line { return false }
        return true
    }

    /// Pairs expected and reported issues one to one (a maximum bipartite matching, so that equal
    /// expectations - two identical `Lifecycle script failed` issues - need as many reported
    /// issues): the expected issues left over are missing, the reported ones unexpected.
    static func compare(_ outcome: ParseOutcome, _ corpusCase: Case) -> Comparison {
        let expected = corpusCase.issues
        let reported = outcome.issues
        let candidates = expected.map { wanted in reported.indices.filter { matches(reported[$0], wanted) } }
        var owner = [Int?](repeating: nil, count: reported.count)
        func augment(_ index: Int, _ visited: inout [Bool]) -> Bool {
            for candidate in candidates[index] where !visited[candidate] {
                visited[candidate] = true
                if owner[candidate] == nil || augment(owner[candidate]!, &visited) {
                    owner[candidate] = index
                    return true
                }
            }
            return false
        }
        var result = Comparison()
        for index in expected.indices {
            var visited = [Bool](repeating: false, count: reported.count)
            if !augment(index, &visited) { result.missing.append(expected[index]) }
        }
        result.unexpected = reported.indices.filter { owner[$0] == nil }.map { reported[$0] }
        return result
    }
}

/// A small deterministic generator (xorshift) so that a failing fuzz round can be replayed.
struct NpmFuzzRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
