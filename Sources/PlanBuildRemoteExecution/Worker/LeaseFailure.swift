/// Why a lease did not get as far as a result of its command: the status (a gRPC code and a
/// message) the lease is completed with. The server passes it to the client as the
/// ExecuteResponse's status; BuildGrid runs the action again elsewhere for UNAVAILABLE and INTERNAL.
package struct LeaseFailure: Error, Equatable, Sendable, CustomStringConvertible {
    package let code: Int32
    package let message: String

    package init(code: Int32, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }

    /// The action, its command or its input tree is not valid (a name that would leave its folder,
    /// a digest that does not match its bytes, a size past a limit).
    package static func invalid(_ message: String) -> LeaseFailure { LeaseFailure(code: 3, message) }
    /// A blob the action needs is not in the CAS.
    package static func missing(_ message: String) -> LeaseFailure { LeaseFailure(code: 9, message) }
    /// The action could not run here for a reason of this machine (a full disk, an unwritable work folder).
    package static func local(_ message: String) -> LeaseFailure { LeaseFailure(code: 13, message) }
    /// The server could not be reached, or this worker stopped: another worker may run it.
    package static func unavailable(_ message: String) -> LeaseFailure { LeaseFailure(code: 14, message) }
}
