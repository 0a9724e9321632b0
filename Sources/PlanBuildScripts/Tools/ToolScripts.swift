import PlanBuildSupport
import PlanBuildConfiguration
import PlanBuildCache

/// cache.py and orchestrate.py: their command lines read here like every script's. cache.py is
/// answered here (CacheQuery); orchestrate.py's `run` streams progress while it runs, so its
/// Python module asks only for the parsed options (pb_script "parse_only") and runs pb_run itself.
enum ToolScripts {
    static func cache() -> ScriptDefinition {
        let module = ScriptOption(["--module"], dest: "module", metavar: "M", help: "One module's records.")
        let format = CommonOptions.format
        var required = module
        required.required = true
        let commands = [
            ScriptCommand(["stats"], summary: "Entries, bytes, ages, hits and misses, time saved.", options: [format, CommonOptions.projectDir]),
            ScriptCommand(["list"], summary: "One row per record.", options: [module, format, CommonOptions.projectDir]),
            ScriptCommand(["clear"], summary: "Remove records (all, or one module's).", options: [module, format, CommonOptions.projectDir]),
            ScriptCommand(["explain"], summary: "Why the build would run, without building.",
                          options: [required, ScriptOption(["--command"], dest: "command", metavar: "C", help: "The command (default verify)."),
                                    format, CommonOptions.projectDir]),
        ]
        let group = ScriptCommandGroup(description: "PlanBuild's build cache (.plan/build-cache/)", commands: commands)
        return ScriptDefinition(group: group, globalOptions: [CommonOptions.projectDir]) { command, values, call in
            let action = CacheQuery.Action(rawValue: command.path[0]) ?? .stats
            do throws(PlanBuildError) {
                let answer = try CacheQuery.answer(action, layout: call.layout(projectDir: values.string("project_dir")),
                                                   module: values.string("module"), command: values.string("command"))
                let text = values.string("format") == "json" ? JSONWriter.write(.object(JSONObject([("status", "success")]).merging(answer)), indent: 2)
                    : CacheQuery.toon(answer)
                var reply = ScriptReply.printed(text.hasSuffix("\n") ? String(text.dropLast()) : text)
                reply.data = answer
                return reply
            } catch {
                return ScriptReply(stderr: "error: \(OneLine.escape(error.message))\n", exitCode: 1)
            }
        }
    }

    static func orchestrate() -> ScriptDefinition {
        let options = [
            ScriptOption(["--command"], dest: "command", metavar: "C", help: "The canonical command every module runs.", required: true),
            ScriptOption(["--module"], dest: "modules", .repeated, metavar: "M", help: "Only these modules (repeatable)."),
            ScriptOption(["--jobs"], dest: "jobs", .integer, metavar: "N", help: "Builds at once."),
            ScriptOption(["--sequential"], dest: "sequential", .flag, help: "One build at a time."),
            ScriptOption(["--stop-on-failure"], dest: "stop_on_failure", .flag, help: "Start nothing new after a failure."),
            ScriptOption(["--timeout"], dest: "timeout", .integer, metavar: "S", help: "A fixed limit per build, in seconds."),
            ScriptOption(["--format"], dest: "format", .choice(["toon", "json"]), help: "Report format (default toon)."),
            ScriptOption(["--mode"], dest: "mode", .choice(WarningMode.allCases.map(\.rawValue)), help: "Which warnings to show."),
            CommonOptions.projectDir,
            ScriptOption(["--no-cache"], dest: "no_cache", .flag, help: "Do not use the build cache."),
            ScriptOption(["--force"], dest: "force", .repeated, metavar: "M", help: "Build M even when cached (repeatable)."),
            ScriptOption(["--events"], dest: "events", metavar: "FILE", help: "Progress events as JSON Lines."),
            ScriptOption(["--trace"], dest: "trace", metavar: "FILE", help: "Chrome trace-event JSON."),
            ScriptOption(["--junit"], dest: "junit", metavar: "FILE", help: "JUnit XML of the run."),
            ScriptOption(["--sarif"], dest: "sarif", metavar: "FILE", help: "SARIF 2.1.0 of the run."),
            ScriptOption(["--remote-cache"], dest: "remote_cache", metavar: "URL", help: "A remote build cache."),
            ScriptOption(["--remote-cache-write"], dest: "remote_cache_write", .flag, help: "Also upload to the remote cache."),
            ScriptOption(["--remote-execution"], dest: "remote_execution", metavar: "URL", help: "Run the builds on a REAPI cluster (grpc://HOST:PORT)."),
            ScriptOption(["--instance"], dest: "remote_instance", metavar: "NAME", help: "The remote execution instance name."),
            CommonOptions.executionMode,
        ]
        let group = ScriptCommandGroup(description: "Build many modules in dependency order (PlanBuild)",
                                       commands: [ScriptCommand(["run"], summary: "Run a command on the modules.", options: options)])
        return ScriptDefinition(group: group) { _, _, _ in
            ScriptReply(stderr: "error: orchestrate.py runs its builds itself (parse_only)\n", exitCode: 2)
        }
    }
}
