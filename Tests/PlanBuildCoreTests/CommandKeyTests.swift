import Testing
@testable import PlanBuildModel

/// Timeout keys, legacy keys, routing and npm/npx detection derived from build arguments.
@Suite struct CommandKeyTests {
    static func args(_ system: BuildSystem, _ line: String) throws -> CommandArguments {
        try CommandArguments(system: system, commandArgs: line)
    }

    @Test func mavenGoalsJoined() throws {
        let arguments = try Self.args(.maven, "clean install")
        #expect(arguments.goals == ["clean", "install"])
        #expect(arguments.module == nil)
        #expect(arguments.commandKey == "maven:clean_install")
        #expect(arguments.legacyCommandKey == "maven:clean")
        #expect(arguments.logScope == "default")
    }

    @Test func mavenModuleRouting() throws {
        let arguments = try Self.args(.maven, "verify -Ppre-commit -pl core")
        #expect(arguments.goals == ["verify"])
        #expect(arguments.module == "core")
        #expect(arguments.commandKey == "maven:verify@core")
        #expect(arguments.legacyCommandKey == "maven:verify")
        #expect(arguments.logScope == "core")
    }

    @Test func mavenModuleWithEqualsInTheShortSpelling() throws {
        let arguments = try Self.args(.maven, "verify -pl=my-module -Dskip=true")
        #expect(arguments.goals == ["verify"])
        #expect(arguments.module == "my-module")
        #expect(arguments.logScope == "my-module")
        // A property with `=` routes nothing.
        #expect(try Self.args(.maven, "verify -Dpl=x").module == nil)
    }

    @Test func legacyKeyIsTheFirstGoal() throws {
        let arguments = try Self.args(.maven, "clean verify")
        #expect(arguments.commandKey == "maven:clean_verify")
        #expect(arguments.legacyCommandKey == "maven:clean")
    }

    @Test func singleGoalHasNoDistinctLegacyKey() throws {
        let arguments = try Self.args(.maven, "verify")
        #expect(arguments.commandKey == "maven:verify")
        #expect(arguments.legacyCommandKey == nil)
    }

    @Test func optionValuesAreNotGoals() throws {
        let arguments = try Self.args(.maven, "-pl core verify")
        #expect(arguments.goals == ["verify"])
        #expect(arguments.commandKey == "maven:verify@core")

        let others = try Self.args(.maven, "-P pre-commit -T 4 -s settings.xml --projects web test-compile -DskipTests")
        #expect(others.goals == ["test_compile"])
        #expect(others.module == "web")
        #expect(others.commandKey == "maven:test_compile@web")
    }

    @Test func gradleTaskPath() throws {
        let arguments = try Self.args(.gradle, ":core:test")
        #expect(arguments.goals == ["test"])
        #expect(arguments.module == "core")
        #expect(arguments.commandKey == "gradle:test@core")
        #expect(arguments.logScope == "core")

        let plain = try Self.args(.gradle, "clean build")
        #expect(plain.commandKey == "gradle:clean_build")
    }

    @Test(arguments: ["run test --workspace=web", "run test --workspace web", "run test -w web", "run test --prefix web"])
    func npmWorkspaceRouting(_ line: String) throws {
        let arguments = try Self.args(.npm, line)
        #expect(arguments.goals == ["run", "test"])
        #expect(arguments.module == "web")
        #expect(arguments.commandKey == "npm:run_test@web")
        #expect(arguments.logScope == "web")
    }

    @Test func wordsAfterDoubleDashAreIgnored() throws {
        let npm = try Self.args(.npm, "run test -- --coverage extra -w other")
        #expect(npm.commandKey == "npm:run_test")
        #expect(npm.module == nil)

        let maven = try Self.args(.maven, "verify -- -pl core install")
        #expect(maven.commandKey == "maven:verify")
        #expect(maven.module == nil)
    }

    @Test(arguments: [("eslint .", "npx"), ("tsc", "npx"), ("jest", "npx"), ("jest --ci", "npx"),
                      ("playwright test", "npx"), ("prettier --check .", "npx"), ("stylelint **/*.css", "npx"),
                      ("vitest run", "npx"), ("run build", "npm"), ("test", "npm"), ("ci", "npm"), ("", "npm")])
    func npmCommandType(_ line: String, _ expected: String) throws {
        #expect(try Self.args(.npm, line).npmCommandType == expected)
    }

    @Test func npmCommandTypeOnlyForNpm() throws {
        #expect(try Self.args(.maven, "verify").npmCommandType == nil)
        #expect(try Self.args(.gradle, "build").npmCommandType == nil)
    }

    @Test func hyphensBecomeUnderscores() throws {
        #expect(try Self.args(.maven, "test-compile").commandKey == "maven:test_compile")
    }
}
