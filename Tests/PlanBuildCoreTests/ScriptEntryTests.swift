import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildExecution
@testable import PlanBuildOrchestration
@testable import PlanBuildPresentation
@testable import PlanBuildScripts

/// The scripts' one entry: argparse-like parsing, both generations' output, exit codes, and the
/// rules the scripts share (command keys, truthful statuses, coverage reports).
@Suite struct ScriptEntryTests {
    static func run(_ script: ScriptName, _ generation: ScriptGeneration, _ arguments: [String],
                    environment: [String: String] = [:], in directory: String = ".") -> ScriptReply {
        ScriptEntry.run(ScriptInvocation(script: script, generation: generation, arguments: arguments,
                                         environment: environment, workingDirectory: directory))
    }

    // MARK: command lines

    @Test func argparseRules() throws {
        let command = ScriptCommand(["x"], summary: "", options: [
            ScriptOption(["--name", "--alias"], dest: "name", help: "", required: true),
            ScriptOption(["--count"], dest: "count", .integer, help: ""),
            ScriptOption(["--mode"], dest: "mode", .choice(["a", "b"]), help: ""),
            ScriptOption(["--flag"], dest: "flag", .flag, help: ""),
            ScriptOption(["--item"], dest: "items", .repeated, help: ""),
        ])
        let values = try ScriptArgumentParser.parse(["--alias=n", "--count", "3", "--flag", "--item", "a", "--item=b"], command)
        #expect(values.string("name") == "n" && values.int("count") == 3 && values.flag("flag"))
        #expect(values.values["items"] == .array(["a", "b"]))
        #expect(throws: ScriptUsageError("the following arguments are required: --name/--alias")) {
            try ScriptArgumentParser.parse([], command)
        }
        #expect(throws: ScriptUsageError("argument --mode: invalid choice: 'c' (choose from 'a', 'b')")) {
            try ScriptArgumentParser.parse(["--name", "n", "--mode", "c"], command)
        }
        #expect(throws: ScriptUsageError("argument --count: invalid int value: 'soon'")) {
            try ScriptArgumentParser.parse(["--name", "n", "--count", "soon"], command)
        }
        #expect(throws: ScriptUsageError("unrecognized arguments: --bogus")) {
            try ScriptArgumentParser.parse(["--name", "n", "--bogus"], command)
        }
    }

    @Test func helpAndUsageErrorsAreArgparses() {
        let help = Self.run(.maven, .today, ["run", "--help"])
        #expect(help.exitCode == 0 && help.stdout.contains("--command-args") && help.stdout.contains("--plan-id"))
        let specHelp = Self.run(.maven, .spec, ["run", "--help"])
        #expect(specHelp.stdout.contains("--commandArgs") && !specHelp.stdout.contains("--plan-id"))
        let missing = Self.run(.gradle, .spec, ["parse"])
        #expect(missing.exitCode == 2 && missing.stderr.hasPrefix("usage: gradle.py parse [-h]"))
        #expect(missing.stderr.hasSuffix("gradle.py: error: the following arguments are required: --log\n"))
        let unknown = Self.run(.runConfig, .spec, ["timeout", "guess"])
        #expect(unknown.exitCode == 2 && unknown.stderr.contains("invalid choice: 'guess'"))
        #expect(Self.run(.maven, .today, ["--help"]).stdout.contains("rewrite-log"))
        #expect(!Self.run(.maven, .today, ["--help"]).stdout.contains("search-markers"))
    }

    @Test func todaysRoutingPairIsExclusive() {
        let reply = Self.run(.npm, .today, ["run", "--command-args", "test", "--plan-id", "p", "--project-dir", "/tmp"])
        #expect(reply.exitCode == 2)
        #expect(reply.stdout.hasPrefix("status: error\nerror: mutually_exclusive_args\n"))
    }

    @Test func runOptionsAreOneTableForScriptsOrchestrationAndTheCLI() throws {
        let words = ["--command-args", "test", "--mode", "errors", "--env", "A=1 B=2", "--working-dir", "web",
                     "--junit", "j.xml", "--sarif", "s.sarif", "--timeout", "60"]
        let values = try BuildRunOptions.parse(words, .script(.today))
        #expect(values.commandArgs == "test" && values.mode == .errors && values.workingDirectory == "web")
        #expect(values.exports == RunExportPaths(junit: "j.xml", sarif: "s.sarif") && values.timeoutSeconds == 60)
        let invocation = try BuildInvocation.from(commandLine: "python3 .plan/execute-script.py plan-marshall:build-npm:npm run "
                                                  + words.map { ShellWords.join([$0]) }.joined(separator: " "),
                                                  scripts: BuildScriptRuns())
        guard case .engine(let build) = invocation else { Issue.record("not run by the engine"); return }
        #expect(build.exports == values.exports && build.environment == values.environment && build.mode == .errors)
        #expect(throws: ScriptUsageError("argument --timeout must be at least 1 second")) {
            try BuildRunOptions.parse(["--command-args", "x", "--timeout", "0"], .script(.spec))
        }
        #expect(BuildRunOptions.options(.cli).contains { $0.flags.contains("--args") && $0.flags.contains("--command-args") })
    }

    // MARK: dialects

    @Test func todaysToonDocument() {
        let text = ToonText.document(JSONObject([
            ("status", "success"), ("passed", true), ("value", .double(85.5)), ("empty", .null),
            ("overall", .object(JSONObject([("line", .double(45.0))]))),
            ("patterns", .array(["a b", "c,d"])),
            ("rows", .array([.object(JSONObject([("file", "x.java"), ("line", 3)])), .object(JSONObject([("file", "y"), ("line", .null)]))])),
        ]))
        #expect(text == """
        status: success
        passed: true
        value: 85.5
        empty: null
        overall:
          line: 45.0
        patterns[2]: a b,"c,d"
        rows[2]{file,line}:
          x.java,3
          y,
        """)
    }

    @Test func resultsInBothDialects() {
        var result = BuildResult(status: .error, exitCode: 1, durationSeconds: 4, logFile: "/l.log", command: "./mvnw verify",
                                 error: BuildResult.ErrorKind.buildFailed)
        result.errors = [Issue(file: "A.java", line: 3, message: "cannot find symbol", severity: .error, category: "compilation_error")]
        result.tests = TestSummary(passed: 1, failed: 1, skipped: 0)
        let json = result.json()
        let today = ResultText.format(json, .today, as: .toon)
        #expect(today.hasPrefix("status: error\nexit_code: 1\nduration_seconds: 4\nlog_file: /l.log\ncommand: ./mvnw verify\nerror: build_failed\n"))
        #expect(today.contains("errors[1]{file,line,message,category}:\n  A.java,3,cannot find symbol,compilation_error"))
        #expect(today.contains("tests:\n  passed: 1\n  failed: 1\n  skipped: 0"))
        #expect(ResultText.format(json, .spec, as: .toon).hasPrefix("status\terror\nexit_code\t1\n"))
    }

    // MARK: rules

    @Test func todaysCommandKeys() throws {
        func key(_ system: BuildSystem, _ args: String) throws -> String {
            CommandKeyRules.key(system: system, words: try ShellWords.split(args), generation: .today)
        }
        #expect(try key(.maven, "verify -pl core") == "maven:verify__pl_core")
        #expect(try key(.maven, "") == "maven:default")
        #expect(try key(.gradle, ":core:build test") == "gradle:core_build")
        #expect(try key(.npm, "run build") == "npm:run_build")
        #expect(try key(.python, "module-tests plan-marshall") == "python:module_tests_plan_marshall")
        #expect(CommandKeyRules.key(system: .maven, words: ["verify", "-pl", "core"], generation: .spec) == "maven:verify@core")
    }

    @Test func aStatusIsNeverStrongerThanItsEvidence() {
        let green = BuildResult(status: .success, exitCode: 0, durationSeconds: 1, logFile: "l", command: "c")
        var result = green
        TruthfulStatus.settle(&result, evidence: ParseOutcome(issues: [], tests: TestSummary(passed: 3, failed: 2, skipped: 0), buildStatus: .success))
        #expect(result.status == .error && result.error == BuildResult.ErrorKind.buildFailed && result.testsRun == 5)
        result = green
        TruthfulStatus.settle(&result, evidence: nil)
        #expect(result.status == .indeterminate)
        var timeout = BuildResult(status: .timeout, exitCode: -1, durationSeconds: 9, logFile: "l", command: "c", error: "timeout")
        TruthfulStatus.settle(&timeout, evidence: ParseOutcome(issues: [], tests: TestSummary(passed: 4, failed: 0, skipped: 0, durationSeconds: 8.5),
                                                               buildStatus: nil))
        #expect(timeout.tests?.passed == 4 && timeout.toolDurationSeconds == 8.5)
        TruthfulStatus.settle(&timeout, evidence: ParseOutcome(issues: [], tests: TestSummary(passed: 4, failed: 1, skipped: 0), buildStatus: nil))
        #expect(timeout.tests == nil && timeout.toolDurationSeconds == nil)
        let settled = TruthfulStatus.settle(JSONObject([("status", "success"), ("exit_code", 2)]), evidence: nil)
        #expect(settled["status"] == "error")
    }

    @Test func processEndingsFromTheSupervisorsCodes() {
        #expect(ProcessOutcome.Ending(statusCode: 137) == .exited(137))
        #expect(ProcessOutcome.Ending(statusCode: 256 + 9) == .killed(signal: 9))
        #expect(ProcessOutcome.Ending(statusCode: -1) == .unknown)
        let killed = BuildResult(ProcessOutcome(ending: .killed(signal: 9), durationMilliseconds: 1500), logFile: "l", command: "c", timeoutUsed: 60)
        #expect(killed.status == .killed && killed.exitCode == -9 && killed.message == BuildResult.killedMessage)
    }

    // MARK: coverage

    @Test func istanbulAndLcovFromJest() throws {
        let folder = TestSupport.repositoryRoot() + "/Tests/Fixtures/coverage/jest/"
        let summary = try CoverageReport.read(folder + "coverage-summary.json")
        #expect(summary.format == .istanbul && summary.lineCoverage == 71.42)
        #expect(summary.items.map(\.name) == ["/tmp/covgen/src/calc.js", "/tmp/covgen/src/unused.js"])
        let check = CoverageCheck(report: summary, threshold: 80, path: "p")
        #expect(!check.passed && check.output["message"]?.stringValue?.contains("below threshold") == true)
        #expect(check.output["low_coverage"]?.arrayValue?.count == 1)
        let lcov = try CoverageReport.read(folder + "lcov.info")
        #expect(lcov.format == .lcov && lcov.lineCoverage == 71.43 && lcov.items.count == 2)
    }

    @Test func jacocoAndCoberturaDocuments() throws {
        let jacoco = try CoverageReport.xml("""
        <?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
        <report name="m"><package name="a"><class name="a/Low" sourcefilename="Low.java">
        <method name="f" desc="()V" line="3"><counter type="LINE" missed="9" covered="9"/></method>
        <counter type="LINE" missed="3" covered="1"/><counter type="BRANCH" missed="1" covered="1"/></class>
        <counter type="LINE" missed="3" covered="1"/></package>
        <counter type="LINE" missed="3" covered="7"/><counter type="BRANCH" missed="1" covered="3"/></report>
        """)
        #expect(jacoco.format == .jacoco && jacoco.lineCoverage == 70 && jacoco.items.count == 1)
        #expect(jacoco.items[0].name == "a.Low" && jacoco.items[0].line == 25)
        let cobertura = try CoverageReport.xml("""
        <coverage line-rate="0.45" branch-rate="0.375"><packages><package name="p"><classes>
        <class name="legacy.py" filename="p/legacy.py" line-rate="0.3" branch-rate="0.2"/></classes></package></packages></coverage>
        """)
        #expect(cobertura.format == .cobertura && cobertura.lineCoverage == 45 && cobertura.items[0].name == "p/legacy.py")
        #expect(throws: PlanBuildError.self) { try CoverageReport.xml("<html/>") }
    }

    @Test func coverageReportScript() {
        let folder = TestSupport.repositoryRoot() + "/Tests/Fixtures/coverage/jest/"
        let low = Self.run(.npm, .today, ["coverage-report", "--report-path", folder + "coverage-summary.json"])
        #expect(low.exitCode == 1 && low.stdout.contains("passed: false") && low.stdout.contains("low_coverage[1]{file,line,branch}:"))
        let high = Self.run(.npm, .today, ["coverage-report", "--report-path", folder + "lcov.info", "--threshold", "50"])
        #expect(high.exitCode == 0 && high.stdout.contains("passed: true"))
        let missing = Self.run(.maven, .today, ["coverage-report", "--report-path", "/nonexistent/report.xml"])
        #expect(missing.exitCode == 1 && missing.stdout.hasPrefix("status: error\nerror: report_not_found"))
    }
}
