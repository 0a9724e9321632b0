import PlanBuildSupport
import PlanBuildModel

/// Where a script's files are, by generation. The contract's generation names the project with
/// PLAN_BASE_DIR and keeps everything in `{project}/.plan/`; today's release keeps plan state apart
/// (PLAN_BASE_DIR, by default `{project}/.plan/local`) and files each build's logs under the plan it
/// belongs to, `NO_PLAN` when none.
public enum ScriptPlace {
    /// The plan a build belongs to when the caller names none.
    public static let noPlan = "NO_PLAN"

    /// The folder below the plan folder that holds today's plan state when PLAN_BASE_DIR is unset.
    public static let stateFolder = "local"

    /// The project and plan-state folders for one call.
    /// - projectDirOption: a `--project-dir` typed on the command line (wins in both generations);
    /// - planBaseDir: the PLAN_BASE_DIR variable;
    /// - given: the directory a program passed, else the current one;
    /// - planId: the plan builds are attributed to (today's `--plan-id`; a script's `run` passes
    ///   `NO_PLAN` when none was given). Without one, logs stay in `{project}/.plan/temp/build-output/`.
    public static func layout(_ generation: ScriptGeneration, projectDirOption: String?, planBaseDir: String?,
                              given: String?, planDirName: String?, planId: String? = nil) -> ProjectLayout {
        switch generation {
        case .spec:
            return ProjectLayout.chosen(option: projectDirOption, baseDir: planBaseDir, given: given, planDirName: planDirName)
        case .today:
            var layout = ProjectLayout.chosen(option: projectDirOption, baseDir: nil, given: given, planDirName: planDirName)
            layout.stateDir = nonEmpty(planBaseDir) ?? FileSystem.join(layout.planDir, stateFolder)
            layout.planId = nonEmpty(planId)
            return layout
        }
    }

    /// A plan id names one folder: letters, digits, `-`, `_` and `.` (not leading), at most 120.
    public static func checkedPlanId(_ id: String) throws(PlanBuildError) -> String {
        let allowed = id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
        guard !id.isEmpty, id.utf8.count <= 120, allowed, !id.hasPrefix(".") else {
            throw PlanBuildError(.invalidValue, "invalid plan id '\(OneLine.escape(id))': use letters, digits, '-', '_' and '.'")
        }
        return id
    }

    private static func nonEmpty(_ value: String?) -> String? { value?.isEmpty == false ? value : nil }
}
