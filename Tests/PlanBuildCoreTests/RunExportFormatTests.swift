import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildParsing
@testable import PlanBuildOrchestration
@testable import PlanBuildPresentation

/// The renderers behind --trace, --junit, --sarif and --events, on a report made here.
@Suite struct RunExportFormatTests {
    static func report() -> RunReport {
        var core = BuildReport(module: "core", command: "verify", status: .error)
        core.startedAtMilliseconds = 0
        core.finishedAtMilliseconds = 1500
        core.durationMilliseconds = 1500
        core.exitCode = 1
        core.errors = [Issue(file: "/p/core/src/A B.java", line: 3, message: "cannot <find> \"symbol\"", severity: .error,
                             category: "compilation_error")]
        core.warnings = [Issue(file: "core/src/C.java", line: nil, message: "deprecated", severity: .warning,
                               category: "deprecation_warning"),
                         Issue(file: "/elsewhere/D.java", line: 0, message: "x", severity: .warning)]
        core.warningCount = 2
        var web = BuildReport(module: "web", command: "verify", status: .timeout)
        web.startedAtMilliseconds = 100
        web.finishedAtMilliseconds = 900
        var app = BuildReport(module: "app", command: "verify", status: .success)
        app.startedAtMilliseconds = 900 // the slot web left
        app.finishedAtMilliseconds = 1200
        let skipped = BuildReport(module: "doc", command: "verify", status: .skipped)
        return RunReport(command: "verify", builds: [core, web, app, skipped], durationMilliseconds: 1500)
    }

    @Test func lanesNeverOverlap() {
        #expect(RunReport.lanes([(0, 10), (2, 5), (5, 8), (9, 12), (10, 11)]) == [0, 1, 1, 1, 0])
        #expect(RunReport.lanes([]) == [])
    }

    @Test func trace() {
        let events = Self.report().traceEvents["traceEvents"]!.arrayValue!
        let spans = events.filter { $0["ph"]?.stringValue == "X" }
        #expect(spans.map { $0["name"]!.stringValue! } == ["core", "web", "app"])
        #expect(spans.map { $0["tid"]!.intValue! } == [1, 2, 2])
        #expect(spans[1]["ts"]?.intValue == 100_000 && spans[1]["dur"]?.intValue == 800_000)
        #expect(spans[0]["args"]?["status"]?.stringValue == "error" && spans[0]["args"]?["command"]?.stringValue == "verify")
        let instants = events.filter { $0["ph"]?.stringValue == "i" }
        #expect(instants.map { $0["name"]!.stringValue! } == ["timeout web"])
    }

    @Test func junit() {
        let xml = Self.report().junitXML
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"planbuild verify\" tests=\"5\" failures=\"3\" errors=\"0\" skipped=\"1\" time=\"1.500\">"))
        #expect(xml.contains("<testsuite name=\"core\" tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\" time=\"1.500\">"))
        #expect(xml.contains("<testcase name=\"cannot &lt;find&gt; &quot;symbol&quot;\" classname=\"core.compilation_error\" file=\"/p/core/src/A B.java\" line=\"3\" time=\"0\">"))
        #expect(xml.contains(">/p/core/src/A B.java:3: cannot &lt;find&gt; \"symbol\"</failure>"))
        #expect(xml.contains("<failure message=\"timeout: 0 errors\" type=\"timeout\">timed out</failure>"))
        #expect(xml.contains("<skipped message=\"skipped\"/>"))
        #expect(XMLText.attribute("a\nb\u{1}") == "a&#10;b\u{FFFD}")
    }

    static let surefire = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE x [ <!ENTITY boom "no"> ]>
        <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="com.example.ATest" tests="4" failures="1" skipped="1">
          <properties><property name="java.version" value="17"/></properties>
          <!-- <testcase name="commented"/> -->
          <testcase name="adds" classname="com.example.ATest" time="0.012"/>
          <testcase name='quotes &amp; &lt;entities&gt;' classname="com.example.ATest" time="1e-3"></testcase>
          <testcase name="skips" classname="com.example.ATest" time="0"><skipped message="not yet"/></testcase>
          <testcase name="fails&#10;twice" classname="com.example.ATest" time="0.5">
            <failure message="expected:&lt;1&gt; but was:&lt;2&gt;" type="AssertionError"><![CDATA[java.lang.AssertionError: <1> vs <2>
            at com.example.ATest.fails(ATest.java:9)]]></failure>
            <system-out><![CDATA[<testcase name="not a test"/>]]></system-out>
          </testcase>
        </testsuite>
        """

    @Test func junitReportReader() {
        let cases = JUnitReportReader.cases(in: Array(Self.surefire.utf8))
        #expect(cases.map(\.name) == ["adds", "quotes & <entities>", "skips", "fails\ntwice"])
        #expect(cases.map(\.outcome) == [.passed, .passed, .skipped, .failed])
        #expect(cases[0].milliseconds == 12 && cases[1].milliseconds == 1 && cases[0].suite == "com.example.ATest")
        #expect(cases[3].message == "expected:<1> but was:<2>")
        #expect(cases[3].detail?.hasPrefix("java.lang.AssertionError: <1> vs <2>") == true)
        #expect(TestSummary(cases: cases) == TestSummary(passed: 2, failed: 1, skipped: 1))
        // pytest's form: a testsuites root, an error at setup, a skip with text.
        let pytest = #"<testsuites><testsuite name="pytest" tests="2"><testcase classname="tests.test_a" name="test_one" time="0.001"><error message="fixture &apos;db&apos; not found">E fixture</error></testcase><testcase classname="tests.test_a" name="test_two" time="0"><skipped type="pytest.skip" message="later">skip</skipped></testcase></testsuite></testsuites>"#
        let read = JUnitReportReader.cases(in: Array(pytest.utf8))
        #expect(read.map(\.outcome) == [.error, .skipped] && read[0].message == "fixture 'db' not found")
        // Broken or hostile input ends the reading with what was read; it never traps.
        #expect(JUnitReportReader.cases(in: Array("<testcase name=\"a\"/><testcase name=".utf8)).map(\.name) == ["a"])
        for bytes in [[UInt8](), Array("<".utf8), Array("<![CDATA[".utf8), Array("&#xFFFFFFFF;<a b='".utf8)] {
            _ = JUnitReportReader.cases(in: bytes)
        }
    }

    @Test func junitHasOneCasePerTest() {
        // From the tool's report: one case per test, its names and counts.
        var core = BuildReport(module: "core", command: "verify", status: .success)
        core.testCases = JUnitReportReader.cases(in: Array(Self.surefire.utf8))
        core.tests = TestSummary(cases: core.testCases)
        // No report: web's log names its failed test and counts 3 tests; a green Python run counts 5.
        var web = BuildReport(module: "web", command: "verify", status: .error)
        web.tests = TestSummary(passed: 2, failed: 1, skipped: 0)
        web.errors = [Issue(file: "web/src/T.java", line: 18, message: "T.greets: expected\nat T.java:18", severity: .error,
                            category: "test_failure")]
        var python = BuildReport(module: "analytics", command: "verify", status: .success)
        python.tests = TestSummary(passed: 5, failed: 0, skipped: 0)
        let xml = RunReport(command: "verify", builds: [core, web, python], durationMilliseconds: 10).junitXML
        #expect(xml.contains("<testsuites name=\"planbuild verify\" tests=\"12\" failures=\"2\" errors=\"0\" skipped=\"1\""))
        #expect(xml.contains("<testsuite name=\"core\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""))
        #expect(xml.contains("<testcase name=\"fails | twice\" classname=\"com.example.ATest\" time=\"0.500\">"))
        #expect(xml.contains("<testsuite name=\"web\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\""))
        #expect(xml.contains("<testcase name=\"T.greets: expected\" classname=\"web/src/T.java\""))
        #expect(xml.contains("<testcase name=\"passed test 2 of 2, not named in the log\" classname=\"web\""))
        #expect(xml.contains("<testsuite name=\"analytics\" tests=\"5\" failures=\"0\" errors=\"0\" skipped=\"0\""))
        // A test explains web's failure, and a green build's tests stand for it: no case for the build itself.
        #expect(!xml.contains("<testcase name=\"verify\""))
    }

    @Test func sarif() {
        let document = Self.report().sarif(projectRoot: "/p/")
        let run = document["runs"]!.arrayValue![0]
        #expect(document["version"]?.stringValue == "2.1.0")
        #expect(run["originalUriBaseIds"]?["%SRCROOT%"]?["uri"]?.stringValue == "file:///p/")
        let results = run["results"]!.arrayValue!
        #expect(results.map { $0["level"]!.stringValue! } == ["error", "warning", "warning"])
        #expect(results.map { $0["ruleId"]!.stringValue! } == ["compilation_error", "deprecation_warning", "other"])
        let first = results[0]["locations"]!.arrayValue![0]["physicalLocation"]!
        #expect(first["artifactLocation"]?["uri"]?.stringValue == "core/src/A%20B.java")
        #expect(first["artifactLocation"]?["uriBaseId"]?.stringValue == "%SRCROOT%")
        #expect(first["region"]?["startLine"]?.intValue == 3)
        #expect(results[1]["locations"]!.arrayValue![0]["physicalLocation"]!["region"] == nil) // no line
        // Outside the project: an absolute URI; line 0 is no region.
        let outside = results[2]["locations"]!.arrayValue![0]["physicalLocation"]!
        #expect(outside["artifactLocation"]?["uri"]?.stringValue == "file:///elsewhere/D.java")
        #expect(outside["artifactLocation"]?["uriBaseId"] == nil && outside["region"] == nil)
    }

    @Test func eventLines() {
        let line = ProgressEvent.runFinished(status: .success, durationSeconds: 1, total: 2).jsonLine(monotonicMilliseconds: 1234)
        #expect(line == #"{"event":"run_finished","status":"success","duration_seconds":1,"total":2,"monotonic_ms":1234}"# + "\n")
    }

    @Test func anExportThatCannotBeWrittenIsAClearError() {
        #expect(throws: PlanBuildError.self) {
            _ = try RunExports(RunExportPaths(events: "/nonexistent-dir/x.jsonl"), projectRoot: "/p")
        }
        #expect(throws: PlanBuildError.self) {
            try RunExports(RunExportPaths(junit: "/nonexistent-dir/x.xml"), projectRoot: "/p").finish(Self.report())
        }
    }
}
