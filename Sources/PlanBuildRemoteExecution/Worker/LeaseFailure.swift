/// Why a lease did not get as far as a result of its command: the status (a gRPC code and a
/// message) the lease is completed with. The server passes it to the client as the
/// ExecuteResponse's status; BuildGrid runs the action again elsewhere for UNAVAILABLE and INTERNAL.
package struct LeaseFailure: Error, Equatable, Sendable, CustomStringConvertible {
    package let code: Int32
    package let message: String

    package init(_ code: GrpcStatusCode, _ message: String) {
        self.code = Int32(code.rawValue)
        self.message = message
    }

    /// The lease's status as the server reads it.
    package var status: RpcStatus { RpcStatus(code: code, message: message) }

    package var description: String { message }

    /// The action, its command or its input tree is not valid (a name that would leave its folder,
    /// a digest that does not match its bytes, a size past a limit).
    package static func invalid(_ message: String) -> LeaseFailure { LeaseFailure(.invalidArgument, message) }
    /// A blob the action needs is not in the CAS.
    package static func missing(_ message: String) -> LeaseFailure { LeaseFailure(.failedPrecondition, message) }
    /// The action could not run here for a reason of this machine (a full disk, an unwritable work folder).
    package static func local(_ message: String) -> LeaseFailure { LeaseFailure(.internal, message) }
    /// The server could not be reached, or this worker stopped: another worker may run it.
    package static func unavailable(_ message: String) -> LeaseFailure { LeaseFailure(.unavailable, message) }
}
