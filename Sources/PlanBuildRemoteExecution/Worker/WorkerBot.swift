import PlanBuildSupport
import PlanBuildCache
import PlanBuildExecution

/// `planbuild worker`: opens the work folder and the server, then runs the bot's session until
/// the stop token is cancelled.
package enum WorkerBot {
    /// 0 after a stop, 1 when the worker cannot start or the server refuses it. `say` gets one
    /// line per event (a lease started or ended, the server lost or back).
    package static func run(_ settings: WorkerSettings, stop: CancellationToken, say: @escaping @Sendable (String) -> Void) -> Int32 {
        let digests: BlobDigests
        let workFolder: DirectoryHandle
        let connection: WorkerConnection
        do {
            digests = BlobDigests(hasher: try ContentHasher.shared())
            try FileSystem.makeDirectories(settings.workDirectory)
            workFolder = try DirectoryHandle.open(settings.workDirectory)
            connection = try WorkerConnection(settings)
        } catch let error as PlanBuildError {
            say("error: \(error.message)")
            return 1
        } catch let error as RemoteExecutionError {
            say("error: \(error.message)")
            return 1
        } catch {
            say("error: \(error)")
            return 1
        }
        let runner = LeaseRunner(store: connection, digests: digests, workFolder: workFolder, workerName: settings.name,
                                 defaultTimeoutSeconds: settings.defaultTimeoutSeconds)
        say("\(settings.name) serves \(settings.server)\(settings.instance.isEmpty ? "" : " instance \(settings.instance)"), "
            + "working in \(settings.workDirectory)")
        return BotSessionLoop(connection: connection, settings: settings, runner: runner, stop: stop, say: say).run()
    }
}
