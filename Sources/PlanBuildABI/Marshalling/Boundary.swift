#if canImport(Glibc)
import Glibc
#endif
import PlanBuildCore

/// The crossing between C and Swift: request bytes in, a malloc'd reply out. Every export goes
/// through `answer`, so no entry point can return NULL or let a Swift error escape to C.
enum Boundary {
    /// The largest request accepted; beyond it the reply is an invalid_request error.
    static let maximumRequestBytes = 256 << 20

    static func answer(_ request: UnsafePointer<CChar>?, _ handler: (Request) throws(InvalidRequest) -> JSONValue) -> UnsafeMutablePointer<CChar>? {
        reply(handle(request, handler))
    }

    private static func handle(_ request: UnsafePointer<CChar>?, _ handler: (Request) throws(InvalidRequest) -> JSONValue) -> JSONValue {
        guard let request else { return Reply.error("invalid_request", "the request is NULL; pass a JSON object as UTF-8 text") }
        let length = strnlen(request, maximumRequestBytes + 1)
        guard length <= maximumRequestBytes else {
            return Reply.error("invalid_request", "the request is larger than \(maximumRequestBytes) bytes")
        }
        guard length > 0 else { return Reply.error("invalid_request", "the request is empty; pass a JSON object") }
        let bytes = UnsafeRawPointer(request).bindMemory(to: UInt8.self, capacity: length)
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: UnsafeBufferPointer(start: bytes, count: length))
        } catch {
            return Reply.error("invalid_request", "the request is not valid JSON: \(error)")
        }
        do {
            return try handler(try Request(document))
        } catch {
            return Reply.error("invalid_request", error.message)
        }
    }

    static func reply(_ value: JSONValue) -> UnsafeMutablePointer<CChar>? {
        let text = JSONWriter.writeCompact(value)
        return text.withCString { strdup($0) }
    }
}
