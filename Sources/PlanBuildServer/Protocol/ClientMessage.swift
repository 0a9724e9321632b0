import PlanBuildSupport

/// What a job runs: one build (a pb_execute request) or an orchestration (a pb_run request).
public enum JobKind: String, Sendable {
    case build, orchestration
}

/// A `submit`: the request object pb_execute or pb_run takes, the client's context, and whether
/// closing the connection cancels the job (by default it does not: a client cut off by its own
/// time limit comes back for the result).
public struct Submission: Sendable {
    public let kind: JobKind
    public let request: JSONObject
    public let context: ClientContext
    public let cancelOnDisconnect: Bool

    public init(kind: JobKind, request: JSONObject, context: ClientContext, cancelOnDisconnect: Bool = false) {
        self.kind = kind
        self.request = request
        self.context = context
        self.cancelOnDisconnect = cancelOnDisconnect
    }
}

/// A message from a client (docs/server.md). `seq`, when the client gives one, comes back on
/// every reply to the message, so replies can be matched on a connection that streams events.
public struct ClientMessage: Sendable {
    public enum Operation: Sendable {
        case submit(Submission)
        /// Waits up to `seconds` (at most a day) for the job's result; answered `running` when the
        /// bound passes first.
        case wait(job: String, seconds: Double)
        /// Every progress event of the job, those so far first, then the result.
        case attach(job: String)
        case cancel(job: String)
        case list
        case result(job: String)
        case status
        /// Cancel everything and exit.
        case stop
        /// Take no new job; exit once every accepted job has ended.
        case drain
    }

    public let operation: Operation
    public let sequence: Int?

    public init(_ operation: Operation, sequence: Int? = nil) {
        self.operation = operation
        self.sequence = sequence
    }

    static let longestWaitSeconds = 86_400.0

    /// Decodes one line; every fault is a ProtocolError (the server answers it and goes on).
    public static func decode(_ line: ArraySlice<UInt8>) throws(ProtocolError) -> ClientMessage {
        let object = try ProtocolLine.object(line)
        let members = Members(object: object)
        let sequence = try? members.optionalInt("seq", range: 0...Int(Int32.max))
        let version = try members.int("protocol", range: Int.min...Int.max)
        guard ServerProtocol.supported.contains(version) else {
            throw ProtocolError(.unsupportedProtocol,
                                "protocol \(version) is not spoken here; supported: \(ServerProtocol.supported.map(String.init).joined(separator: ", "))")
        }
        let name = try members.string("op", maximumBytes: 64)
        let operation: Operation
        switch name {
        case "submit":
            let kind: JobKind = try members.enumValue("kind")
            operation = .submit(Submission(kind: kind, request: try members.object("request"),
                                           context: try ClientContext(json: try members.object("context")),
                                           cancelOnDisconnect: try members.optionalBool("cancel_on_disconnect") ?? false))
        case "wait":
            operation = .wait(job: try JobID.read(members),
                              seconds: try members.optionalNumber("timeout_seconds", range: 0...longestWaitSeconds) ?? 30)
        case "attach": operation = .attach(job: try JobID.read(members))
        case "cancel": operation = .cancel(job: try JobID.read(members))
        case "result": operation = .result(job: try JobID.read(members))
        case "list": operation = .list
        case "status": operation = .status
        case "stop": operation = .stop
        case "drain": operation = .drain
        default:
            throw ProtocolError(.unknownOperation,
                                "unknown op '\(name)'; known: submit, wait, attach, cancel, list, result, status, stop, drain")
        }
        return ClientMessage(operation, sequence: sequence)
    }

    /// The line a client sends (without its newline).
    public var line: String {
        var members: [(String, JSONValue)] = [("protocol", .int(ServerProtocol.version))]
        switch operation {
        case .submit(let submission):
            members += [("op", "submit"), ("kind", .string(submission.kind.rawValue)), ("request", .object(submission.request)),
                        ("context", submission.context.json)]
            if submission.cancelOnDisconnect { members.append(("cancel_on_disconnect", true)) }
        case .wait(let job, let seconds):
            members += [("op", "wait"), ("job", .string(job)), ("timeout_seconds", .double(seconds))]
        case .attach(let job): members += [("op", "attach"), ("job", .string(job))]
        case .cancel(let job): members += [("op", "cancel"), ("job", .string(job))]
        case .result(let job): members += [("op", "result"), ("job", .string(job))]
        case .list: members.append(("op", "list"))
        case .status: members.append(("op", "status"))
        case .stop: members.append(("op", "stop"))
        case .drain: members.append(("op", "drain"))
        }
        if let sequence { members.append(("seq", .int(sequence))) }
        return JSONWriter.writeCompact(.object(JSONObject(members)))
    }
}

/// One line as a JSON object, or why not.
enum ProtocolLine {
    static func object(_ line: ArraySlice<UInt8>) throws(ProtocolError) -> JSONObject {
        guard line.count <= ServerProtocol.maximumLineBytes else {
            throw ProtocolError(.messageTooLarge, "a message is at most \(ServerProtocol.maximumLineBytes) bytes")
        }
        let value: JSONValue
        do {
            value = try line.withUnsafeBufferPointer { bytes throws(JSONParseError) in try JSONParser.parse(bytes: bytes) }
        } catch {
            throw ProtocolError(.malformedMessage, "not JSON: \(error)")
        }
        guard let object = value.objectValue else { throw ProtocolError(.malformedMessage, "a message must be one JSON object") }
        return object
    }
}
