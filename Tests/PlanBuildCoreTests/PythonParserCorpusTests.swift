import Foundation
import Testing
@testable import PlanBuildModel
@testable import PlanBuildParsing

/// The Python parser (pytest, mypy, ruff) against the real logs of the corpus whose "parser" is
/// "python", against small logs of forms the corpus does not hold, and against arbitrary bytes.
@Suite struct PythonParserCorpusTests {
    @Test("python corpus case", arguments: NpmCorpus.cases(parser: "python"))
    func corpusCase(_ corpusCase: NpmCorpus.Case) throws {
        let outcome = try ParserRegistry.parse(logFile: corpusCase.logPath, parser: "python")
        let result = NpmCorpus.compare(outcome, corpusCase)
        #expect(outcome.buildStatus?.rawValue == corpusCase.buildStatus, "build status of \(corpusCase.name)")
        #expect(outcome.tests == corpusCase.tests, "tests of \(corpusCase.name)")
        for expected in result.missing {
            Testing.Issue.record("\(corpusCase.name): expected issue not reported: \(expected)")
        }
        for reported in result.unexpected {
            Testing.Issue.record("\(corpusCase.name): reported issue not expected: \(reported.category ?? "-") \(reported.file ?? "-"):\(reported.line.map(String.init) ?? "-") \(reported.message)")
        }
    }

    @Test("the corpus holds pytest, mypy, ruff and mixed cases")
    func corpusIsThere() {
        let names = NpmCorpus.cases(parser: "python").map(\.name)
        for tool in ["pytest/", "mypy/", "ruff/", "python/"] {
            #expect(names.contains { $0.hasPrefix(tool) }, "no \(tool) case")
        }
    }

    @Test("mypy: a note folds into its error; import codes are import errors")
    func mypyNotes() throws {
        let log = """
        src/a.py:3: error: Cannot find implementation or library stub for module named "nope"  [import-not-found]
        src/a.py:3: note: See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports
        src/b.py:7: error: Argument 1 to "f" has incompatible type "str"; expected "int"  [arg-type]
        Found 2 errors in 2 files (checked 2 source files)
        """
        let outcome = try ParserRegistry.run(PythonLogParser.self, text: log)
        #expect(outcome.issues.map(\.category) == [IssueCategory.importError, IssueCategory.typeError])
        #expect(outcome.issues[0].message.contains("note: See https://mypy"))
        #expect(outcome.buildStatus == .failure)
        #expect(outcome.tests == nil)
    }

    @Test("pytest: --tb=no leaves only the short summary; its lines still give file and test")
    func pytestSummaryOnly() throws {
        let log = """
        F.s                                                                      [100%]
        =========================== short test summary info ============================
        FAILED tests/test_x.py::test_one - assert 1 == 2
        1 failed, 1 passed, 1 skipped in 0.01s
        """
        let outcome = try ParserRegistry.run(PythonLogParser.self, text: log)
        #expect(outcome.issues.count == 1)
        #expect(outcome.issues.first?.file == "tests/test_x.py")
        #expect(outcome.issues.first?.message == "test_one: assert 1 == 2")
        #expect(outcome.tests == TestSummary(passed: 1, failed: 1, skipped: 1, durationSeconds: 0.01))
        #expect(outcome.buildStatus == .failure)
    }

    @Test("pytest: counts of several runs add up; a line merely ending in a time is no count")
    func pytestCounts() throws {
        let log = """
        3 passed in 0.10s
        ===== 1 failed, 2 passed, 1 xfailed, 2 warnings in 1.00s =====
        took 3 seconds in 1.5s
        """
        let outcome = try ParserRegistry.run(PythonLogParser.self, text: log)
        #expect(outcome.tests == TestSummary(passed: 5, failed: 1, skipped: 1, durationSeconds: 0.10 + 1.00))
        #expect(outcome.buildStatus == .failure)
    }

    @Test("pytest errors carry their traceback block as detail; the short summary adds no second issue")
    func pytestErrorDetail() throws {
        let root = TestSupport.repositoryRoot() + "/Tests/Fixtures/logs/pytest/"
        let collection = try ParserRegistry.parse(logFile: root + "collection-error.log", parser: "python")
        #expect(collection.issues.count == 1)
        let error = try #require(collection.issues.first)
        #expect(error.category == IssueCategory.testCollectionError && error.message == "ModuleNotFoundError: No module named 'calc.missing'")
        #expect(error.detail?.hasPrefix("ERROR collecting tests/test_broken.py\n") == true)
        #expect(error.detail?.contains("    import calc.missing") == true)
        let setup = try ParserRegistry.parse(logFile: root + "verbose-failures.log", parser: "python")
        let fixture = try #require(setup.issues.first { $0.category == IssueCategory.testCollectionError })
        #expect(fixture.message == "RuntimeError: fixture broke" && fixture.detail?.contains("def boom(self):") == true)
        #expect(setup.issues.filter { $0.category == IssueCategory.testCollectionError }.count == 1)
        #expect(fixture.signature == "test_collection_error|tests/test_more.py|RuntimeError: fixture broke")
    }

    @Test("arbitrary bytes built from the recognized pieces never trap, and stay bounded")
    func fuzz() throws {
        let pieces = ["a.py:", "a.py:1:", "a.py:1:2: ", "error: ", "note: ", "warning: ", "[code]", "F401 ", "[*] ",
                      "SyntaxError: ", "____ ", " ____", "_ _ _", "=====", "E   ", "FAILED ", "ERROR ", "::", " - ",
                      "ERROR collecting ", "ERROR at setup of ", "1 failed, ", "99999999999999999999 passed", " in 0.1s",
                      "no tests ran", "Found 3 errors.", "Found 1 error in 1 file (checked 2 source files)", "ModuleNotFoundError",
                      "  ", "\t", "\r", "\u{FFFD}", "[", "]", ":", "tests/",
                      // ruff >= 0.12, mypy's whole-file errors, pytest's places without a traceback and warnings.
                      "invalid-syntax: ", " --> ", "  --> a.py:1:2", "PLR2004 ", "ASYNC100 ", "help: ", "a.py: ",
                      "a.pyi: error: Duplicate module named", "(errors prevented further checking)", "file ", ", line ",
                      "file /a/tests/test_x.py, line 99999999999999999999", "import file mismatch:", " warnings summary ",
                      "-- Docs: ", "DeprecationWarning: ", "1 xfailed, ", "1 xpassed, ", "1 rerun", "1 deselected, "]
        var generator = NpmFuzzRandom(seed: 0xB00)
        for round in 0..<40 {
            var bytes: [UInt8] = []
            for _ in 0..<400 {
                if generator.next() % 4 == 0 {
                    for _ in 0..<(generator.next() % 30) { bytes.append(UInt8(truncatingIfNeeded: generator.next())) }
                } else {
                    for _ in 0..<(1 + generator.next() % 5) {
                        bytes.append(contentsOf: Array(pieces[Int(generator.next() % UInt64(pieces.count))].utf8))
                        if generator.next() % 3 == 0 { bytes.append(UInt8(ascii: "0") + UInt8(generator.next() % 10)) }
                    }
                }
                if generator.next() % 5 != 0 { bytes.append(0x0A) }
            }
            let path = NSTemporaryDirectory() + "python-fuzz-\(getpid())-\(round).log"
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let outcome = try ParserRegistry.parse(logFile: path, parser: "python")
            #expect(outcome.issues.count <= IssueCollector.maximumIssues)
        }
        var text = ""
        for index in 0..<12_000 { text += "src/a.py:\(index + 1): error: Wrong \(index) " + String(repeating: "x", count: 300) + "  [misc]\n" }
        let outcome = try ParserRegistry.run(PythonLogParser.self, text: text)
        #expect(outcome.issues.count == IssueCollector.maximumIssues)
        #expect(outcome.issues[0].message.utf8.count <= NpmText.maximumMessage)
    }
}
