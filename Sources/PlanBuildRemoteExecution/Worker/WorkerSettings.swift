import PlanBuildSupport
import PlanBuildConfiguration
import PlanBuildExecution

/// What `planbuild worker` was started with: the cluster, what this machine offers, and where
/// it works.
package struct WorkerSettings: Sendable {
    /// `grpc://HOST:PORT`.
    package var server: String
    /// The REAPI instance name the bot serves ("" is the default instance).
    package var instance: String
    /// The properties the worker advertises, one value each (`tools=maven`, `tools=npm`,
    /// `OSFamily=Linux`): a scheduler matches an action's properties pair by pair, so an action
    /// that asks for `tools=maven` and `tools=jdk` goes to a worker that has both pairs.
    package var properties: [(name: String, value: String)]
    /// Leases run at once.
    package var slots: Int
    /// Each lease gets a fresh folder below it, removed when the lease is done.
    package var workDirectory: String
    /// The bot's id and `ExecutedActionMetadata.worker`.
    package var name: String
    /// The limit of a command whose action names no timeout (an action's own is capped as
    /// every PlanBuild timeout is: TimeoutLimits).
    package var defaultTimeoutSeconds: Int

    package static let maximumSlots = 256

    package init(server: String, instance: String = "", platform: [String] = [], slots: Int = 1,
                 workDirectory: String? = nil, name: String? = nil, defaultTimeoutSeconds: Int = BuildRequest.defaultTimeout) throws(PlanBuildError) {
        do {
            _ = try GrpcChannel.baseURL(of: server)
        } catch {
            throw PlanBuildError(.invalidRequest, "--server: \(error.message)")
        }
        guard (1...Self.maximumSlots).contains(slots) else {
            throw PlanBuildError(.invalidRequest, "--slots must be 1 to \(Self.maximumSlots), not \(slots)")
        }
        self.server = server
        self.instance = instance
        self.properties = try Self.properties(platform)
        self.slots = slots
        self.workDirectory = FileSystem.absolute(workDirectory ?? Self.defaultWorkDirectory())
        self.name = try name.map(Self.checkedName) ?? Self.defaultName()
        self.defaultTimeoutSeconds = try TimeoutLimits.checked(defaultTimeoutSeconds, "--timeout")
    }

    /// `NAME=VALUE[,VALUE…]` options as one property per value, sorted by name then value and
    /// without repeats; `OSFamily=Linux` unless an option names OSFamily.
    static func properties(_ options: [String]) throws(PlanBuildError) -> [(name: String, value: String)] {
        var pairs: Set<[String]> = []
        for option in options {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !option.utf8.contains(0) else {
                throw PlanBuildError(.invalidRequest, "--platform takes NAME=VALUE[,VALUE…], not '\(option)'")
            }
            let values = parts[1].split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
            guard !values.isEmpty else { throw PlanBuildError(.invalidRequest, "--platform \(parts[0]) has no value") }
            for value in values { pairs.insert([parts[0], value]) }
        }
        if !pairs.contains(where: { $0[0] == "OSFamily" }) { pairs.insert(["OSFamily", "Linux"]) }
        return pairs.sorted { $0.lexicographicallyPrecedes($1) }.map { ($0[0], $0[1]) }
    }

    /// `HOSTNAME-PID`: unique among the workers of one machine.
    static func defaultName() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let named = buffer.withUnsafeMutableBytes { gethostname($0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count - 1) } == 0
        let host = named ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : "worker"
        return "\(host.isEmpty ? "worker" : host)-\(getpid())"
    }

    private static func checkedName(_ name: String) throws(PlanBuildError) -> String {
        guard !name.isEmpty, name.utf8.count <= 200, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "/" }) else {
            throw PlanBuildError(.invalidRequest, "--name must be 1 to 200 characters without '/' or control characters")
        }
        return name
    }

    private static func defaultWorkDirectory() -> String {
        let temporary = FileSystem.environment("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return FileSystem.join(temporary, "planbuild-worker")
    }
}
