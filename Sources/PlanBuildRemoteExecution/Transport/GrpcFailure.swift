/// gRPC's status codes, as servers send them in `grpc-status` and in `google.rpc.Status.code`.
package enum GrpcStatusCode: Int, CaseIterable, Sendable {
    case ok = 0
    case cancelled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case `internal` = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16

    /// The code's name as gRPC spells it (NOT_FOUND), for messages.
    package var name: String {
        switch self {
        case .ok: return "OK"
        case .cancelled: return "CANCELLED"
        case .unknown: return "UNKNOWN"
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .deadlineExceeded: return "DEADLINE_EXCEEDED"
        case .notFound: return "NOT_FOUND"
        case .alreadyExists: return "ALREADY_EXISTS"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .resourceExhausted: return "RESOURCE_EXHAUSTED"
        case .failedPrecondition: return "FAILED_PRECONDITION"
        case .aborted: return "ABORTED"
        case .outOfRange: return "OUT_OF_RANGE"
        case .unimplemented: return "UNIMPLEMENTED"
        case .internal: return "INTERNAL"
        case .unavailable: return "UNAVAILABLE"
        case .dataLoss: return "DATA_LOSS"
        case .unauthenticated: return "UNAUTHENTICATED"
        }
    }

    /// "NOT_FOUND", or "status 42" for a code gRPC does not name.
    package static func name(of code: Int) -> String {
        GrpcStatusCode(rawValue: code)?.name ?? "status \(code)"
    }
}

/// Why a gRPC call gave no answer to use.
package enum GrpcFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer: refused, reset, a name that does not resolve, a body that could not be read.
    case unreachable(String)
    /// The call's deadline passed; it was cut.
    case deadlineExceeded
    /// The caller's cancellation token fired; the call was cut.
    case cancelled
    /// The server ended the call with a gRPC status other than OK.
    case status(code: Int, message: String)
    /// The answer broke the protocol: not gRPC, compressed, cut inside a message, not decodable.
    case malformed(String)
    /// A message was larger than the caller allowed.
    case tooLarge

    /// The status code when the server named one.
    package var statusCode: GrpcStatusCode? {
        if case .status(let code, _) = self { return GrpcStatusCode(rawValue: code) }
        return nil
    }

    package var description: String {
        switch self {
        case .unreachable(let reason): return "unreachable: \(reason)"
        case .deadlineExceeded: return "no answer before the deadline"
        case .cancelled: return "cancelled"
        case .status(let code, let message): return "\(GrpcStatusCode.name(of: code)): \(message)"
        case .malformed(let reason): return "not a valid answer: \(reason)"
        case .tooLarge: return "an answer larger than allowed"
        }
    }
}
