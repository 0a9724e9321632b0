/// Why a remote execution call failed, for the caller to decide (fall back to a local build,
/// retry, report) and for a person to read.
package struct RemoteExecutionError: Error, Equatable, Sendable, CustomStringConvertible {
    package enum Code: Equatable, Sendable {
        /// The server could not be reached (refused, reset, no such host).
        case unreachable
        /// A call's deadline passed.
        case deadline
        /// The caller cancelled.
        case cancelled
        /// The server answered with a gRPC status other than OK (its code).
        case server(Int)
        /// The server's answer broke the protocol or could not be decoded.
        case malformed
        /// A blob whose content does not match its digest: never used.
        case digestMismatch
        /// An answer or a blob larger than allowed.
        case tooLarge
        /// Something on this machine: the plugin, a file, a bad address.
        case local
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A transport failure of `call` (a method or a blob, for the message).
    package init(_ failure: GrpcFailure, during call: String) {
        switch failure {
        case .unreachable: self.init(.unreachable, "\(call): \(failure)")
        case .deadlineExceeded: self.init(.deadline, "\(call): \(failure)")
        case .cancelled: self.init(.cancelled, "\(call): \(failure)")
        case .status(let code, _): self.init(.server(code), "\(call): \(failure)")
        case .malformed: self.init(.malformed, "\(call): \(failure)")
        case .tooLarge: self.init(.tooLarge, "\(call): \(failure)")
        }
    }

    /// An answer that does not decode.
    package init(_ error: ProtoError, during call: String) {
        self.init(.malformed, "\(call): \(error)")
    }

    package var description: String { message }
}
