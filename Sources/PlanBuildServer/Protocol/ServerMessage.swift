import PlanBuildSupport

/// Where a job is: `queued` (accepted; no build of it started yet), `running`, `finished`.
public enum JobState: String, Sendable {
    case queued, running, finished
}

/// A message from the server (docs/server.md); `seq` echoes the client's message it answers.
public struct ServerMessage: Sendable {
    public enum Reply: Sendable {
        case submitted(job: String, state: JobState)
        /// The job's result: the reply pb_execute or pb_run gives in process, plus "job".
        case result(job: String, result: JSONObject)
        /// The wait's bound passed first. `etaSeconds` nil: no estimate yet.
        case running(job: String, state: JobState, elapsedSeconds: Double, etaSeconds: Double?)
        /// One progress event of an attached job (docs/events.md, without "handle").
        case event(job: String, event: JSONObject)
        case cancelled(job: String, state: JobState)
        case jobs([JSONObject])
        case status(JSONObject)
        case stopping(draining: Bool)
        case error(ProtocolError)
    }

    public let reply: Reply
    public let sequence: Int?

    public init(_ reply: Reply, sequence: Int? = nil) {
        self.reply = reply
        self.sequence = sequence
    }

    public var line: String {
        var members: [(String, JSONValue)] = [("protocol", .int(ServerProtocol.version))]
        switch reply {
        case .submitted(let job, let state):
            members += [("op", "submitted"), ("job", .string(job)), ("state", .string(state.rawValue))]
        case .result(let job, let result):
            members += [("op", "result"), ("job", .string(job)), ("result", .object(result))]
        case .running(let job, let state, let elapsed, let eta):
            members += [("op", "running"), ("job", .string(job)), ("state", .string(state.rawValue)),
                        ("elapsed_seconds", .double(Self.tenths(elapsed))), ("eta_seconds", eta.map { .double(Self.tenths($0)) } ?? .null)]
        case .event(let job, let event):
            members += [("op", "event"), ("job", .string(job)), ("event", .object(event))]
        case .cancelled(let job, let state):
            members += [("op", "cancelled"), ("job", .string(job)), ("state", .string(state.rawValue))]
        case .jobs(let jobs):
            members += [("op", "jobs"), ("jobs", .array(jobs.map(JSONValue.object)))]
        case .status(let status):
            members.append(("op", "status"))
            members += status.entries.map { ($0.key, $0.value) }
        case .stopping(let draining):
            members += [("op", "stopping"), ("mode", .string(draining ? "drain" : "stop"))]
        case .error(let error):
            members += [("op", "error"), ("error", .string(error.code.rawValue)), ("message", .string(error.message))]
        }
        if let sequence { members.append(("seq", .int(sequence))) }
        return JSONWriter.writeCompact(.object(JSONObject(members)))
    }

    static func tenths(_ seconds: Double) -> Double { (seconds * 10).rounded() / 10 }

    /// A client reads the server's lines as hostile as the server reads a client's.
    public static func decode(_ line: ArraySlice<UInt8>) throws(ProtocolError) -> ServerMessage {
        let object = try ProtocolLine.object(line)
        let members = Members(object: object)
        let version = try members.int("protocol", range: Int.min...Int.max)
        guard ServerProtocol.supported.contains(version) else {
            throw ProtocolError(.unsupportedProtocol, "the server speaks protocol \(version); this client speaks \(ServerProtocol.version)")
        }
        let sequence = try members.optionalInt("seq", range: 0...Int(Int32.max))
        let name = try members.string("op", maximumBytes: 64)
        let reply: Reply
        switch name {
        case "submitted": reply = .submitted(job: try JobID.read(members), state: try members.enumValue("state"))
        case "result": reply = .result(job: try JobID.read(members), result: try members.object("result"))
        case "running":
            reply = .running(job: try JobID.read(members), state: try members.enumValue("state"),
                             elapsedSeconds: try members.optionalNumber("elapsed_seconds", range: 0...1e12) ?? 0,
                             etaSeconds: try members.optionalNumber("eta_seconds", range: 0...1e12))
        case "event": reply = .event(job: try JobID.read(members), event: try members.object("event"))
        case "cancelled": reply = .cancelled(job: try JobID.read(members), state: try members.enumValue("state"))
        case "jobs":
            var jobs: [JSONObject] = []
            for element in try members.optionalArray("jobs") ?? [] {
                guard let job = element.objectValue else { throw ProtocolError(.invalidMessage, "\"jobs\" must hold objects") }
                jobs.append(job)
            }
            reply = .jobs(jobs)
        case "status": reply = .status(object)
        case "stopping": reply = .stopping(draining: try members.optionalString("mode") == "drain")
        case "error":
            let code = ServerProtocol.ErrorCode(rawValue: try members.string("error", maximumBytes: 64)) ?? .invalidMessage
            reply = .error(ProtocolError(code, try members.string("message", maximumBytes: 64 << 10)))
        default:
            throw ProtocolError(.unknownOperation, "the server sent an unknown op '\(name)'")
        }
        return ServerMessage(reply, sequence: sequence)
    }
}
