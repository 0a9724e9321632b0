import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildOrchestration

/// The escaping rule of every text output (docs/formats.md) and the renderers that use it.
@Suite struct OneLineTests {
    @Test func plainTextIsUnchanged() {
        #expect(OneLine.escape("") == "")
        #expect(OneLine.escape("src/Main.java") == "src/Main.java")
        #expect(OneLine.escape("üñí €") == "üñí €")
    }

    @Test func lineBreaksBecomeABarAndTabsASpace() {
        #expect(OneLine.escape("cannot find symbol\n  symbol: x") == "cannot find symbol |   symbol: x")
        #expect(OneLine.escape("a\r\n\r\nb") == "a | b")
        #expect(OneLine.escape("\nleading and trailing\r\n") == "leading and trailing")
        #expect(OneLine.escape("evil\nstatus\tsuccess") == "evil | status success")
        #expect(OneLine.escape("a\t\tb") == "a  b")
    }

    @Test func everyLineBreakPythonSplitsOnIsEscaped() {
        for separator in ["\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}"] {
            #expect(OneLine.escape("a\(separator)b") == "a | b")
        }
        #expect(OneLine.escape("a\u{1B}[0mb") == "a\u{1B}[0mb")
        #expect(OneLine.escape("\u{2027}\u{2030}") == "\u{2027}\u{2030}")
    }

    @Test func reportHasNoForgedLineOrColumn() {
        var build = BuildReport(module: "evil\nstatus\tsuccess", command: "verify", status: .error)
        build.startedAtMilliseconds = 0
        build.finishedAtMilliseconds = 10
        build.logFile = "/tmp/log\r\tfile.log"
        build.errors = [Issue(file: "src/ev\r\til/Foo.java", line: 3, message: "cannot\nfind", severity: .error,
                              category: "compilation_error")]
        var quiet = BuildReport(module: "x\ty", command: "verify", status: .error)
        quiet.reason = "exit 1\nstatus\tsuccess"
        let report = RunReport(command: "verify", builds: [build, quiet], durationMilliseconds: 10)
        let lines = report.toon().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.hasPrefix("status") && $0 != "status\tfailure" })
        #expect(lines.contains("evil | status success\tverify\terror\t0\t1\t0\t/tmp/log |  file.log"))
        #expect(lines.contains("errors:evil | status success[1]{file,line,message,category}:"))
        #expect(lines.contains("src/ev |  il/Foo.java\t3\tcannot | find\tcompilation_error"))
        #expect(lines.contains("x y:\terror\texit 1 | status success"))
        #expect(lines.contains("  fastest: evil | status success (0s)"))
        #expect(report.text(.json).contains(#""module": "evil\nstatus\tsuccess""#))
    }

    @Test func resolvedCommandIsThreeLines() {
        let resolved = ResolvedCommand(module: "evil\nexecutable: rm", command: "verify", executable: "mvn\tverify\r\n")
        #expect(resolved.text == "module: evil | executable: rm\ncommand: verify\nexecutable: mvn verify\n")
    }
}
