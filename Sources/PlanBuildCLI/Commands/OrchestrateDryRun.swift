import ArgumentParser
import PlanBuildSupport
import PlanBuildCache
import PlanBuildOrchestration
import PlanBuildPresentation
import PlanBuildScripts

/// `--affected [--base REF] [--head REF]`, shared by `orchestrate` and `watch`'s first round.
struct AffectedOptions: ParsableArguments {
    @Flag(help: "Only the modules whose files differ between two git states (--base, --head), and what depends on them.")
    var affected = false
    @Option(help: "With --affected: the state to compare with (default: the merge base with origin/HEAD, else HEAD~1).")
    var base: String?
    @Option(help: "With --affected: the changed state (default: the working tree, untracked files included).")
    var head: String?

    func request() throws -> AffectedRequest? {
        do { return try AffectedRequest.from(affected: affected, base: base, head: head) } catch { throw ValidationError(error.message) }
    }

    /// pb_run's members of the same meaning, for a run through the build server.
    var members: [(String, JSONValue)] {
        guard affected else { return [] }
        return [("affected", .bool(true))] + [("base", base), ("head", head)].compactMap { key, value in value.map { (key, .string($0)) } }
    }
}

extension OrchestrateCommand {
    /// `--dry-run` in this process: the decisions of the next real run, printed; nothing runs.
    /// With a build server (the execution mode) it goes there instead (ServedOrchestration), whose
    /// warm file watcher decides without reading the disk.
    func printDryRun() throws {
        // The plan's script lines are read as the real run reads them.
        var options = OrchestrationOptions(scripts: BuildScriptRuns(), jobs: jobs, sequential: sequential,
                                           stopOnFailure: stopOnFailure, timeoutSeconds: try timeout?.checked(),
                                           modules: modules, mode: mode)
        options.cache = IncrementalRun.Request(disabled: noCache, forced: Set(forced), remoteURL: remoteCache,
                                               remoteWrite: remoteCacheWrite)
        options.remoteExecutionURL = remoteExecution
        options.affected = try affected.request()
        let text: String
        do throws(PlanBuildError) {
            text = try Orchestrator.dryRun(command: command, options: options, layout: project.layout).text(format ?? .toon)
        } catch {
            printError("error: \(error.message)")
            throw ExitCode(1)
        }
        printOutput(text)
    }
}
