import Testing

/// The prefixes CI systems add to a tool's lines are gone before a parser sees them;
/// the tool's own text (log levels, indentation, brackets of its own) is kept. The corpus of
/// real logs in those shapes is Tests/Fixtures/logs-ci (scripts/score-parsers scores it).
@Suite struct CILinePrefixTests {
    static func lines(_ text: String) throws -> [String] {
        try LogReaderTests.strings(text)
    }

    @Test func jenkinsTimestamper() throws {
        #expect(try Self.lines("11:02:14  [INFO] BUILD SUCCESS\n11:02:15  \n11:02:15    symbol: x") ==
                ["[INFO] BUILD SUCCESS", "", "  symbol: x"])
        #expect(try Self.lines("00:00:01.234  [ERROR] boom") == ["[ERROR] boom"])
        #expect(try Self.lines("[2023-09-13T11:34:06.033Z] [WARNING] w\n[2023-09-13T11:34:06Z] ") == ["[WARNING] w", ""])
    }

    @Test func githubAndGitLabTimestamps() throws {
        #expect(try Self.lines("2024-05-01T10:00:00.1234567Z [INFO] x\n2024-05-01T10:00:00.1234567Z ") == ["[INFO] x", ""])
        #expect(try Self.lines("2024-05-01T10:00:00.123456Z 00O [ERROR] e\n2024-05-01T10:00:00.123456Z 01E+ tail") ==
                ["[ERROR] e", "tail"])
    }

    @Test func gitLabSectionsAndRedraws() throws {
        let text = "\u{1B}[0Ksection_start:1714557602:step_script\r\u{1B}[0KExecuting step\n"
            + "\u{1B}[0Ksection_end:1714557900:step_script\r\u{1B}[0K\n"
            + "Progress (1): 4.1/11 kB\rProgress (1): 11 kB\r[INFO] Downloaded\n"
        #expect(try Self.lines(text) == ["Executing step", "", "[INFO] Downloaded"])
    }

    @Test func branchAndAntPrefixes() throws {
        #expect(try Self.lines("[linux-jdk17] [ERROR] e\n[build linux] src/A.java:3: error: x\n    [javac]   symbol: y\n     [java] ok") ==
                ["[ERROR] e", "src/A.java:3: error: x", "  symbol: y", "ok"])
        #expect(try Self.lines("[2023-09-13T11:34:06.033Z] [main] 11:02:14  text") == ["text"])
    }

    @Test func theToolsOwnBracketsStay() throws {
        let kept = ["[INFO] a", "[ERROR] b", "[WARNING] c", "[DEBUG] d", "[warn] e", "[Help 1] http://x",
                    "[ 50%] build", "[1, 2] list", "  [INFO] indented", "  [Foo] mixed case after spaces",
                    "12:34 not a time", "2024-05-01 no T", "section_startless", "[]  empty"]
        #expect(try Self.lines(kept.joined(separator: "\n")) == kept)
    }
}
