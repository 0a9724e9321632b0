import PlanBuildSupport

/// The build server's protocol: JSON lines over a Unix socket (docs/server.md). Every message
/// carries `"protocol": 1`; a later incompatible change takes the next number, and each side
/// refuses a number it does not speak with an `unsupported_protocol` error naming the ones it does.
public enum ServerProtocol {
    public static let version = 1
    public static let supported = [1]
    /// The longest line either side accepts. A line above it is answered with `message_too_large`
    /// and skipped up to its end; the connection stays usable.
    public static let maximumLineBytes = 8 << 20

    /// The error codes of the server's `error` replies.
    public enum ErrorCode: String, Sendable {
        /// Not one JSON object, or not valid JSON.
        case malformedMessage = "malformed_message"
        case messageTooLarge = "message_too_large"
        case unsupportedProtocol = "unsupported_protocol"
        case unknownOperation = "unknown_op"
        /// A member missing, of the wrong type, or out of its range.
        case invalidMessage = "invalid_message"
        case unknownJob = "unknown_job"
        /// The server is draining or stopping and takes no new job.
        case notAccepting = "not_accepting"
        /// The connection holds more unanswered work than the server keeps for one client.
        case overloaded
    }
}

/// A refused message: its code and why, for the `error` reply.
public struct ProtocolError: Error, Sendable, Equatable {
    public let code: ServerProtocol.ErrorCode
    public let message: String

    public init(_ code: ServerProtocol.ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Typed reading of a message's members; anything of the wrong type or range is `invalid_message`
/// naming the member. Members a side does not know are ignored, so either side may add optional ones.
struct Members {
    let object: JSONObject

    func present(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String, maximumBytes: Int = 4096) throws(ProtocolError) -> String {
        guard let text = try optionalString(key, maximumBytes: maximumBytes) else {
            throw ProtocolError(.invalidMessage, "\"\(key)\" is required (a string)")
        }
        return text
    }

    func optionalString(_ key: String, maximumBytes: Int = 4096) throws(ProtocolError) -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.stringValue else { throw ProtocolError(.invalidMessage, "\"\(key)\" must be a string") }
        guard text.utf8.count <= maximumBytes else {
            throw ProtocolError(.invalidMessage, "\"\(key)\" is longer than \(maximumBytes) bytes")
        }
        guard !text.utf8.contains(0) else { throw ProtocolError(.invalidMessage, "\"\(key)\" must not contain a NUL character") }
        return text
    }

    func int(_ key: String, range: ClosedRange<Int>) throws(ProtocolError) -> Int {
        guard let number = try optionalInt(key, range: range) else {
            throw ProtocolError(.invalidMessage, "\"\(key)\" is required (an integer)")
        }
        return number
    }

    func optionalInt(_ key: String, range: ClosedRange<Int>) throws(ProtocolError) -> Int? {
        guard let value = present(key) else { return nil }
        guard let number = value.intValue else { throw ProtocolError(.invalidMessage, "\"\(key)\" must be an integer") }
        guard range.contains(number) else {
            throw ProtocolError(.invalidMessage, "\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func optionalNumber(_ key: String, range: ClosedRange<Double>) throws(ProtocolError) -> Double? {
        guard let value = present(key) else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw ProtocolError(.invalidMessage, "\"\(key)\" must be a number")
        }
        guard range.contains(number) else {
            throw ProtocolError(.invalidMessage, "\"\(key)\" must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func optionalBool(_ key: String) throws(ProtocolError) -> Bool? {
        guard let value = present(key) else { return nil }
        guard let flag = value.boolValue else { throw ProtocolError(.invalidMessage, "\"\(key)\" must be true or false") }
        return flag
    }

    func object(_ key: String) throws(ProtocolError) -> JSONObject {
        guard let value = present(key) else { throw ProtocolError(.invalidMessage, "\"\(key)\" is required (an object)") }
        guard let members = value.objectValue else { throw ProtocolError(.invalidMessage, "\"\(key)\" must be an object") }
        return members
    }

    func optionalArray(_ key: String) throws(ProtocolError) -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let list = value.arrayValue else { throw ProtocolError(.invalidMessage, "\"\(key)\" must be an array") }
        return list
    }

    func enumValue<E: RawRepresentable>(_ key: String) throws(ProtocolError) -> E where E.RawValue == String {
        let text = try string(key, maximumBytes: 64)
        guard let value = E(rawValue: text) else {
            throw ProtocolError(.invalidMessage, "\"\(key)\" has an unknown value '\(text)'")
        }
        return value
    }
}

/// Job ids: the server makes them (16 hex digits); a client's must look like one.
public enum JobID {
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x2d
        }
    }

    static func read(_ members: Members) throws(ProtocolError) -> String {
        let id = try members.string("job", maximumBytes: 64)
        guard isValid(id) else { throw ProtocolError(.invalidMessage, "\"job\" is not a job id (letters a-z, digits and -)") }
        return id
    }
}
