import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildOrchestration

/// A BuildRequest written as pb_execute's request: what a build run elsewhere (the build server)
/// is sent, so that SingleBuildHandlers.buildRequest reads back the same build there. The layout
/// goes by the generation's rule (Request.layout): today's keeps its plan state and plan apart.
public enum ExecuteRequest {
    public static func members(_ build: BuildRequest, exports: RunExportPaths) -> JSONObject {
        let layout = build.layout
        var members: [(String, JSONValue)] = [
            ("generation", .string(layout.stateDir == nil ? ScriptGeneration.spec.rawValue : ScriptGeneration.today.rawValue)),
            ("project_dir", .string(layout.projectDir)), ("plan_dir_name", .string(layout.planDirName)),
        ]
        if let state = layout.stateDir { members.append(("plan_base_dir", .string(state))) }
        if let plan = layout.planId { members.append(("plan_id", .string(plan))) }
        members += [("system", .string(build.system.rawValue)), ("args", .string(build.commandArgs)),
                    ("timeout", .int(build.defaultTimeoutSeconds)), ("mode", .string(build.mode.rawValue))]
        if let key = build.commandKey { members.append(("command_key", .string(key))) }
        if !build.parseLog { members.append(("parse", false)) }
        if let cap = build.maximumErrors { members.append(("max_errors", .int(cap))) }
        if let cap = build.maximumWarnings { members.append(("max_warnings", .int(cap))) }
        if !build.learnTimeout { members.append(("learn", false)) }
        if build.graceMilliseconds != ProcessRunner.defaultGraceMilliseconds { members.append(("grace_ms", .int(build.graceMilliseconds))) }
        if !build.environmentOverrides.isEmpty {
            members.append(("env", .object(JSONObject(build.environmentOverrides.map { ($0.name, JSONValue.string($0.value)) }))))
        }
        if let folder = build.workingDirectory { members.append(("working_dir", .string(folder))) }
        if let junit = exports.junit { members.append(("junit", .string(junit))) }
        if let sarif = exports.sarif { members.append(("sarif", .string(sarif))) }
        return JSONObject(members)
    }

    /// The error a pb_execute reply carries instead of a build result (a refused request, a wait
    /// given up), or nil for a result — which always has "exit_code", even one whose error shares
    /// a name with a library error (log_file_failed).
    public static func failure(of reply: JSONObject) -> PlanBuildError? {
        guard reply["exit_code"] == nil else { return nil }
        let code = reply["error"]?.stringValue.flatMap(PlanBuildError.Code.init(rawValue:)) ?? .internal
        return PlanBuildError(code, reply["message"]?.stringValue ?? "the reply holds no build result")
    }
}
