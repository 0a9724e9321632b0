import PlanBuildSupport
import PlanBuildModel

/// Today's `run` publishes, on a green result, what the build examined (ExaminedPopulation):
/// `tests_population`, `analyses_examined` and `tests_run` only when measured, and on stderr the
/// same as one line with the reason when the run's evidence settles no kind of finding. The
/// contract's generation prints none of it.
enum GreenRunPopulation {
    /// Adds the fields to a success result of today's generation; returns the stderr line ("" otherwise).
    static func publish(_ result: inout JSONObject, commandArgs: String?, generation: ScriptGeneration) -> String {
        guard generation == .today, result["status"]?.stringValue == "success" else { return "" }
        let population = ExaminedPopulation(commandArgs: commandArgs, parsedTests: result["tests_run"]?.intValue)
        result["tests_population"] = .string(population.testsPopulation)
        result["analyses_examined"] = .string(population.analysesExamined)
        result["tests_run"] = population.testsRun.map(JSONValue.int)
        let refusal = population.refusal.map { " — no pending finding cleared (\($0))" } ?? ""
        return "[EXEC] green build: \(population.label)\(refusal)\n"
    }
}
