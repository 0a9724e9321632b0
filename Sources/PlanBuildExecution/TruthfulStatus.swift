import PlanBuildSupport
import PlanBuildModel

/// A result's status is never stronger than its evidence. After a build, its log is the evidence:
/// - exit 0 with failed tests in the log (surefire's testFailureIgnore, `--fail-never`) is no
///   success: the result becomes `error` / `build_failed`;
/// - exit 0 whose log cannot be read is `indeterminate`: nothing confirms the success;
/// - a timeout keeps the tests seen so far, and the tool's own test duration, only while none of
///   them failed (a partial red count is no verdict either way);
/// - `tests_run` is set whenever the log shows a test summary.
/// Nothing is invented: errors are only what the log shows.
package enum TruthfulStatus {
    /// Settles `result` against `evidence` (nil: the log could not be read).
    package static func settle(_ result: inout BuildResult, evidence: ParseOutcome?) {
        guard let evidence else {
            if result.status == .success {
                result.status = .indeterminate
                result.error = BuildResult.ErrorKind.indeterminate
                result.message = "the tool exited 0 but its log cannot be read: nothing confirms the build"
            }
            return
        }
        if let tests = evidence.tests { result.testsRun = tests.ran }
        switch result.status {
        case .success where (evidence.tests?.failed ?? 0) > 0:
            result.status = .error
            result.error = BuildResult.ErrorKind.buildFailed
            result.message = "the tool exited 0 but its log shows \(evidence.tests?.failed ?? 0) failed tests"
        case .timeout:
            if let tests = evidence.tests, tests.failed == 0 {
                result.tests = tests
                result.toolDurationSeconds = tests.durationSeconds
            } else {
                result.tests = nil
                result.toolDurationSeconds = nil
            }
        default:
            break
        }
    }

    /// The same rule for a result given as JSON (a caller's own result, with its parser's evidence):
    /// returns the settled result.
    package static func settle(_ result: JSONObject, evidence: ParseOutcome?) -> JSONObject {
        guard let status = result["status"]?.stringValue.flatMap(BuildResult.Status.init(rawValue:)) else { return result }
        var settled = BuildResult(status: status, exitCode: result["exit_code"]?.intValue ?? 0, durationSeconds: 0,
                                  logFile: "", command: "", error: result["error"]?.stringValue,
                                  message: result["message"]?.stringValue)
        if status == .success && settled.exitCode != 0 {
            settled.status = .error
            settled.error = BuildResult.ErrorKind.buildFailed
        }
        settled.tests = result["tests"].flatMap(TestSummary.init(json:))
        settle(&settled, evidence: evidence)
        var output = result
        output["status"] = .string(settled.status.rawValue)
        output["error"] = settled.error.map(JSONValue.string)
        output["message"] = settled.message.map(JSONValue.string)
        output["tests"] = settled.tests?.json
        output["tests_run"] = settled.testsRun.map(JSONValue.int)
        output["tool_duration_seconds"] = settled.toolDurationSeconds.map(JSONValue.double)
        return output
    }
}
