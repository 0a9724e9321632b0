import PlanBuildSupport

/// The crossing between C and Swift: request bytes in, a malloc'd reply out. Every export goes
/// through `answer`, so no entry point can return NULL or let a Swift error escape to C: a
/// thrown PlanBuildError becomes `{"status":"error","error":code,"message":…}`.
enum Boundary {
    /// The largest request accepted; beyond it the reply is an invalid_request error.
    static let maximumRequestBytes = 256 << 20

    typealias Handler = (Request) throws(PlanBuildError) -> JSONValue

    static func answer(_ request: UnsafePointer<CChar>?, _ handler: Handler) -> UnsafeMutablePointer<CChar>? {
        reply(handle(request, handler))
    }

    static func handle(_ request: UnsafePointer<CChar>?, _ handler: Handler) -> JSONValue {
        handle(decoded(request), handler)
    }

    /// For a job that runs after the export returned: the request is decoded before, so the
    /// caller may free it at once, and an invalid one becomes the job's reply.
    static func handle(_ decoded: Result<Request, PlanBuildError>, _ handler: Handler) -> JSONValue {
        do {
            return try handler(try decoded.get())
        } catch {
            return Reply.error(error)
        }
    }

    static func decoded(_ request: UnsafePointer<CChar>?) -> Result<Request, PlanBuildError> {
        do {
            return .success(try decode(request))
        } catch {
            return .failure(error)
        }
    }

    private static func decode(_ request: UnsafePointer<CChar>?) throws(PlanBuildError) -> Request {
        guard let request else { throw invalid("the request is NULL; pass a JSON object as UTF-8 text") }
        let length = strnlen(request, maximumRequestBytes + 1)
        guard length <= maximumRequestBytes else { throw invalid("the request is larger than \(maximumRequestBytes) bytes") }
        guard length > 0 else { throw invalid("the request is empty; pass a JSON object") }
        let bytes = UnsafeRawPointer(request).bindMemory(to: UInt8.self, capacity: length)
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: UnsafeBufferPointer(start: bytes, count: length))
        } catch {
            throw invalid("the request is not valid JSON: \(error)")
        }
        return try Request(document)
    }

    static func reply(_ value: JSONValue) -> UnsafeMutablePointer<CChar>? {
        let text = JSONWriter.writeCompact(value)
        return text.withCString { strdup($0) }
    }
}
