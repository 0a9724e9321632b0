import Testing
@testable import PlanBuildSupport

/// Splitting `--commandArgs` as a POSIX shell splits words, without running a shell.
@Suite struct ShellWordsTests {
    @Test func spacesAndTabs() throws {
        #expect(try ShellWords.split("clean   install") == ["clean", "install"])
        #expect(try ShellWords.split("\tclean\t\tinstall \t") == ["clean", "install"])
        #expect(try ShellWords.split("a\nb") == ["a", "b"])
        #expect(try ShellWords.split("") == [])
        #expect(try ShellWords.split("   \t ") == [])
    }

    @Test func singleQuotes() throws {
        #expect(try ShellWords.split("-Dmsg='hello world' verify") == ["-Dmsg=hello world", "verify"])
        // No escapes inside single quotes.
        #expect(try ShellWords.split(#"'a\b "c"'"#) == [#"a\b "c""#])
    }

    @Test func doubleQuotesWithEscapes() throws {
        #expect(try ShellWords.split(#""a b" c"#) == ["a b", "c"])
        #expect(try ShellWords.split(#""say \"hi\"""#) == [#"say "hi""#])
        #expect(try ShellWords.split(#""back\\slash""#) == [#"back\slash"#])
        #expect(try ShellWords.split(#""cost \$5 \`x\`""#) == ["cost $5 `x`"])
        // Other backslashes inside double quotes stay, as in sh.
        #expect(try ShellWords.split(#""a\nb""#) == [#"a\nb"#])
        // Quotes join with adjacent text into one word.
        #expect(try ShellWords.split(#"pre"mid dle"'post 'x"#) == ["premid dlepost x"])
    }

    @Test func backslashEscapes() throws {
        #expect(try ShellWords.split(#"a\ b c"#) == ["a b", "c"])
        #expect(try ShellWords.split(#"\"quoted\""#) == [#""quoted""#])
        #expect(try ShellWords.split(#"\'x"#) == ["'x"])
        #expect(try ShellWords.split(#"a\\b"#) == [#"a\b"#])
    }

    @Test func emptyQuotedWords() throws {
        #expect(try ShellWords.split("a '' b") == ["a", "", "b"])
        #expect(try ShellWords.split(#""""#) == [""])
        #expect(try ShellWords.split(#"'' """#) == ["", ""])
    }

    @Test(arguments: ["'abc", #""abc"#, #"a "b c"#, "it's", #""abc\"#, #"trailing\"#])
    func unterminatedQuotesThrow(_ line: String) {
        #expect(throws: ShellWords.SplitError.self) { try ShellWords.split(line) }
    }

    @Test func joinSplitRoundTrip() throws {
        let awkward: [[String]] = [
            ["verify", "-pl", "core"],
            [""],
            ["a b", "it's", #""quoted""#, #"back\slash"#, "$HOME", "`cmd`", "*.java", "tab\there", "new\nline"],
            ["-Dx=1 2", "ünïcödé", "semi;colon", "a&b|c", "(paren)", "{brace}", "~", "#hash", "!bang"],
            ["''", "'", "\"", "\\", " ", "  lead", "trail  "],
        ]
        for words in awkward {
            let line = ShellWords.join(words)
            #expect(try ShellWords.split(line) == words, "round trip of \(words) via \(line)")
        }
    }

    @Test func joinLeavesPlainWordsUnquoted() {
        #expect(ShellWords.join(["./mvnw", "verify", "-pl", "core", "-Dkey=value"]) == "./mvnw verify -pl core -Dkey=value")
        #expect(ShellWords.join(["a b"]) == "'a b'")
        #expect(ShellWords.join([""]) == "''")
    }
}
