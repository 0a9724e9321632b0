import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildScripts

/// The rules behind search-markers, find-project and check-warnings that a file tree cannot show.
@Suite struct ScriptQueryTests {
    @Test func markersAreFoundWithColumnsInScalars() {
        let found = RewriteMarkers.markers(in: "é /*~~(TODO: A)>*/ x /*~~(TODO:   B c )>*/")
        #expect(found.map(\.column) == [3, 22])
        #expect(found.map(\.message) == ["A", "B c"])
        #expect(found[0].raw == "/*~~(TODO: A)>*/")
    }

    @Test func aMarkerNeedsItsEndAndOneCharacter() {
        #expect(RewriteMarkers.markers(in: "/*~~(TODO: never closed").isEmpty)
        // The body is at least one character, so ")>*/" right after "TODO:" is not yet the end.
        #expect(RewriteMarkers.markers(in: "/*~~(TODO:)>*/ tail )>*/").map(\.message) == [")>*/ tail"])
    }

    @Test func recipeNames() {
        #expect(RewriteMarkers.recipe(of: "please fix: cuilogrecordpatternrecipe said so") == "CuiLogRecordPatternRecipe")
        #expect(RewriteMarkers.recipe(of: "MyRecipeRecipe: x") == "MyRecipeRecipe")
        #expect(RewriteMarkers.recipe(of: "SomePattern detected") == "SomePattern")
        #expect(RewriteMarkers.recipe(of: "Unknown - thing") == "Unknown")
        #expect(RewriteMarkers.recipe(of: "") == "UnknownRecipe")
    }

    @Test func displayPrefixIsPythonsPath() {
        #expect(RewriteMarkers.displayPrefix("./src/") == "src/")
        #expect(RewriteMarkers.displayPrefix(".") == "")
        #expect(RewriteMarkers.displayPrefix("/abs//dir") == "/abs/dir/")
    }

    @Test func settingsFilesGiveIncludedProjects() {
        let settings = "rootProject.name = \"app\"\ninclude 'a', ':b:c'\ninclude(\"d\", \"a\")\nincludeBuild('x')\n"
        #expect(GradleProjectFinder.includedProjects(settings) == [":d", ":a", ":b:c"])
        #expect(GradleProjectFinder.rootProjectName(settings) == "app")
        #expect(GradleProjectFinder.parents([":a", "b", "c"].map { String($0.drop { $0 == ":" }) }) == [":a", ":a:b"])
    }

    @Test func gradleLayoutOfATree() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            try FileSystem.makeDirectories(dir + "/services/auth")
            try FileSystem.makeDirectories(dir + "/.hidden/x")
            try FileSystem.makeDirectories(dir + "/build/y")
            for file in ["settings.gradle", "settings.gradle.kts", "build.gradle.kts", "services/auth/build.gradle",
                         ".hidden/x/build.gradle", "build/y/build.gradle"] {
                TestSupport.write("// \(file)", to: dir + "/" + file)
            }
            #expect(GradleProjectFinder.settingsFile(in: dir) == dir + "/settings.gradle.kts")
            #expect(GradleProjectFinder.buildFiles(under: dir).sorted() == ["build.gradle.kts", "services/auth/build.gradle"])
            #expect(GradleProjectFinder.notation(root: dir, folder: dir + "/services/auth") == ":services:auth")
            #expect(GradleProjectFinder.notation(root: dir, folder: dir) == ":")
            #expect(GradleProjectFinder.notation(root: dir + "/services", folder: dir) == nil)
        }
    }

    @Test func checkWarningsSortsByTheReferenceRules() throws {
        let warnings: JSONValue = .array([
            ["message": "x deprecated", "severity": "WARNING", "type": "deprecation_warning"],
            ["message": "noise accepted", "severity": "warning", "category": "other"],
            ["message": "who knows", "severity": "Warning"],
            ["message": "an error", "severity": "ERROR"],
        ])
        let answer = try WarningCheck.check(warnings, patterns: ["[WARNING] noise", "deprecated"], system: nil,
                                            layout: ProjectLayout(projectDir: "/nonexistent"))
        #expect(answer.output["total"] == 3)
        #expect(answer.output["fixable"] == 1 && answer.output["acceptable"] == 1 && answer.output["unknown"] == 1)
        #expect(answer.exitCode == 1)
        #expect(throws: PlanBuildError.self) { try WarningCheck.check(["message": "x"], patterns: nil, system: nil, layout: ProjectLayout(projectDir: "/"))
        }
    }

    @Test func summaryCountsEveryIssueOnce() {
        let issues = [PlanBuildModel.Issue(file: nil, line: nil, message: "a", severity: .error, category: IssueCategory.compilationError),
                      PlanBuildModel.Issue(file: nil, line: nil, message: "b", severity: .error, category: IssueCategory.lintError),
                      PlanBuildModel.Issue(file: nil, line: nil, message: "c", severity: .warning, category: nil)]
        let summary = IssueSummary.counts(issues)
        #expect(summary["compilation_errors"] == 1 && summary["other_errors"] == 1 && summary["other_warnings"] == 1)
        #expect(summary["total_issues"] == 3)
        #expect(ParseMode.errors.keep(issues).count == 2)
    }
}
