import PlanBuildSupport

/// What a build script's subcommand prints (as JSON) and the exit code it ends with. These are
/// answers, not failures: "source not found" is output of `search-markers`, exit 1, as in the
/// reference; only a malformed request is an error of the library.
public struct ScriptAnswer: Equatable {
    public var output: JSONObject
    public let exitCode: Int

    public init(_ output: JSONObject, exitCode: Int) {
        self.output = output
        self.exitCode = exitCode
    }
}
