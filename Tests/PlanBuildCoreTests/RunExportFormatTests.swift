import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
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
