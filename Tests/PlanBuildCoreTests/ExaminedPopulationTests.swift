import Testing
@testable import PlanBuildModel

/// What a green build examined: unknown stays distinct from none and from zero.
@Suite struct ExaminedPopulationTests {
    @Test func aCompileRunMeasuredZeroTests() {
        let population = ExaminedPopulation(commandArgs: "compile -pl core", parsedTests: nil)
        #expect(population.analysesExamined == "compile")
        #expect(population.testsRun == 0 && population.testsPopulation == "measured")
        #expect(population.label == "analyses examined: compile; 0 test(s) executed")
        #expect(population.settledKinds == ["build-error"] && population.refusal == nil)
    }

    @Test func aTestGateWithoutASummaryCountedNothingKnown() {
        let population = ExaminedPopulation(commandArgs: "module-tests", parsedTests: nil)
        #expect(population.testsRun == nil && population.testsPopulation == "unmeasured")
        #expect(population.refusal == "tests_unmeasured")
        #expect(ExaminedPopulation(commandArgs: "module-tests", parsedTests: 0).refusal == "tests_executed_zero")
    }

    @Test func aParsedSummaryIsTheCount() {
        let population = ExaminedPopulation(commandArgs: "verify", parsedTests: 5)
        #expect(population.analysesExamined == "compile, lint, test" && population.testsRun == 5)
        #expect(population.settledKinds == ["build-error", "lint-issue", "test-failure"])
    }

    @Test func wordsOutsideTheVocabularyAreUnknownNotEmpty() {
        for args in ["publish", "clean verify", "", nil] as [String?] {
            let population = ExaminedPopulation(commandArgs: args, parsedTests: nil)
            #expect(population.analysesExamined == "unknown" && population.testsRun == nil)
            #expect(population.refusal == "population_unknown")
        }
        // A summary is a measurement whatever the command was.
        #expect(ExaminedPopulation(commandArgs: "publish", parsedTests: 3).testsPopulation == "measured")
    }
}
