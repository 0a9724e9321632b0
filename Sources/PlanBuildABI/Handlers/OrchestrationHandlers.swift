import PlanBuildCore

/// The C progress callback of SPEC section 2.
public typealias ProgressCallback = @convention(c) (UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void

/// Runs in flight, by handle, so that pb_cancel can reach them from any thread.
enum RunRegistry {
    private static let lock = Mutex()
    nonisolated(unsafe) private static var tokens: [Int64: CancellationToken] = [:]
    nonisolated(unsafe) private static var nextHandle: Int64 = 1

    static func register(_ token: CancellationToken) -> Int64 {
        lock.withLock {
            let handle = nextHandle
            nextHandle += 1
            tokens[handle] = token
            return handle
        }
    }

    static func unregister(_ handle: Int64) { lock.withLock { tokens[handle] = nil } }

    /// True when a run with that handle was in flight.
    static func cancel(_ handle: Int64) -> Bool {
        guard let token = lock.withLock({ tokens[handle] }) else { return false }
        token.cancel()
        return true
    }
}

enum OrchestrationHandlers {
    static func run(_ request: Request, callback: ProgressCallback?, context: UnsafeMutableRawPointer?) throws(InvalidRequest) -> JSONValue {
        let command = try request.string("command")
        var options = OrchestrationOptions()
        options.modules = try request.stringList("modules")
        options.jobs = try request.optionalInt("jobs", range: 0...100_000)
        options.sequential = try request.optionalBool("sequential") ?? false
        options.stopOnFailure = try request.optionalBool("stop_on_failure") ?? false
        options.timeoutSeconds = try request.optionalInt("timeout", range: 1...31_536_000)
        options.mode = try request.enumValue("mode", default: WarningMode.actionable)
        options.learnTimeouts = try request.optionalBool("learn") ?? true
        let format = try request.optionalString("format")
        if let format, format != "toon" && format != "json" {
            throw InvalidRequest(message: "\"format\" must be \"toon\" or \"json\"")
        }
        let layout = try request.layout()

        let token = CancellationToken()
        let handle = RunRegistry.register(token)
        defer { RunRegistry.unregister(handle) }
        do {
            let report = try Orchestrator.run(command: command, options: options, layout: layout, cancellation: token) { event in
                guard let callback else { return }
                var withHandle = event
                if event["event"]?.stringValue == "run_started" { withHandle["handle"] = .int(Int(handle)) }
                JSONWriter.writeCompact(.object(withHandle)).withCString { callback($0, context) }
            }
            var reply = report.json
            reply["handle"] = .int(Int(handle))
            if format == "toon" { reply["text"] = .string(report.toon()) }
            if format == "json" { reply["text"] = .string(JSONWriter.write(.object(report.json), indent: 2)) }
            return .object(reply)
        } catch {
            return Reply.error(error.kind.rawValue, error.message)
        }
    }
}
