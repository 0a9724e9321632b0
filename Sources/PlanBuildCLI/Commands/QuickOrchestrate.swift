import ArgumentParser
import PlanBuildSupport
import PlanBuildConfiguration
import PlanBuildExecution
import PlanBuildCache
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildServer

/// `planbuild orchestrate …` that the build server runs, read straight from the arguments. The
/// argument parser's start (reflection over every command's options) costs a few milliseconds,
/// more than the whole cached answer of a warm server; an agent or script asking the server again
/// and again pays it every time.
///
/// Only the plain lines are read here: options and flags of OrchestrateCommand written `--name
/// value` or `--name=value`, each single one at most once, with values that do not start with `-`
/// and pass the same checks as there. Anything else — help, an unknown or repeated option, a value
/// out of range, `--affected`, a project that does not exist, a run that would not
/// go to the server — is left to the argument parser untouched: nothing has been read, started or
/// printed, so the usual path gives its usual answer and error messages.
enum QuickOrchestrate {
    // Arrays, not sets: a dozen names are found as fast, and a set's first use (hashing, its
    // conformances looked up) costs a start more. They restate OrchestrateCommand's names (reading
    // them from the parser would cost the start this saves); Tests/e2e/test_server_clients.py
    // checks that every option `orchestrate --help` lists is here or left to the parser on purpose.
    /// Options that take one value.
    static let options = ["project-dir", "command", "jobs", "timeout", "format", "mode", "remote-cache", "remote-execution", "instance", "events",
                                       "trace", "junit", "sarif", "execution-mode"]
    /// Options that may be given again, each time one more value.
    static let repeatable = ["module", "force"]
    static let flags = ["sequential", "stop-on-failure", "no-cache", "remote-cache-write", "dry-run"]

    /// The exit code of the command line run through the build server, or nil when it is not one
    /// this reader takes (nothing was done).
    static func exitCode(_ arguments: [String]) -> Int32? {
        guard arguments.count > 1, arguments[1] == "orchestrate",
              let (served, executionMode) = parse(Array(arguments.dropFirst(2))),
              (try? served.layout.checkExists()) != nil,
              let connection = try? ExecutionMode.chosen(executionMode).connection() else { return nil }
        do {
            try served.run(on: connection)
            return 0
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            printError("error: \(error)")
            return 1
        }
    }

    /// The run the arguments (after `orchestrate`) ask for, and `--execution-mode`; nil when they
    /// are not all plain and valid.
    static func parse(_ arguments: [String]) -> (ServedOrchestration, executionMode: String?)? {
        var single: [String: String] = [:]
        var repeated: [String: [String]] = [:]
        var set: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { return nil }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if flags.contains(name) {
                guard value == nil, !set.contains(name) else { return nil }
                set.append(name)
                continue
            }
            guard options.contains(name) || repeatable.contains(name) else { return nil }
            if value == nil, index < arguments.count {
                value = arguments[index]
                index += 1
            }
            guard let value, !value.hasPrefix("-") else { return nil }
            if repeatable.contains(name) {
                repeated[name, default: []].append(value)
            } else if single.updateValue(value, forKey: name) != nil {
                return nil
            }
        }
        guard let command = single["command"] else { return nil }
        var served = ServedOrchestration(projectDir: single["project-dir"], command: command)
        served.modules = repeated["module"] ?? []
        served.forced = repeated["force"] ?? []
        served.sequential = set.contains("sequential")
        served.stopOnFailure = set.contains("stop-on-failure")
        served.noCache = set.contains("no-cache")
        served.remoteCacheWrite = set.contains("remote-cache-write")
        served.dryRun = set.contains("dry-run")
        if let text = single["jobs"] {
            guard let jobs = Int(text) else { return nil }
            served.jobs = jobs
        }
        if let text = single["timeout"] {
            guard let seconds = TimeoutLimits.parse(text), let checked = try? TimeoutLimits.checked(seconds, "--timeout") else { return nil }
            served.timeoutSeconds = checked
        }
        if let text = single["format"] {
            guard let format = ResultFormatter.Format(rawValue: text) else { return nil }
            served.format = format
        }
        if let text = single["mode"] {
            guard let mode = WarningMode(rawValue: text) else { return nil }
            served.mode = mode
        }
        served.remoteCache = single["remote-cache"]
        served.remoteExecution = single["remote-execution"]
        served.remoteInstance = single["instance"]
        served.exports = RunExportPaths(events: single["events"], trace: single["trace"], junit: single["junit"], sarif: single["sarif"])
        // OrchestrateCommand.validate's checks.
        guard (try? OrchestrationOptions.validate(jobs: served.jobs, sequential: served.sequential)) != nil,
              (try? RemoteExecutionSettings.validate(url: served.remoteExecution, instance: served.remoteInstance)) != nil,
              (try? ExecutionMode.chosen(single["execution-mode"])) != nil else { return nil }
        return (served, single["execution-mode"])
    }
}
