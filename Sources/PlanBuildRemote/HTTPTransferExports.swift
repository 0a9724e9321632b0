// The remote-cache plugin: one HTTP request (GET, HEAD or PUT of a blob) through URLSession from
// FoundationNetworking. The core loads this library with dlopen only when a remote cache is
// configured (Incremental/RemoteTransport.swift) and calls the one C function below; what is
// asked for and what an answer means (the ac/cas layout, hashes, placing files) is the core's.
// FoundationNetworking (and libcurl under it) is why this is a plugin: libplanbuild.so, loaded
// by every shim start, stays Foundation-free.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One session for the process: connections are reused between the requests of a run.
/// Nothing is cached or stored by the session itself (no URL cache, no cookies).
private let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    return URLSession(configuration: configuration)
}()

/// The completion handler's answer, handed to the waiting caller.
private final class Answer: @unchecked Sendable {
    var status: Int32 = -1
    var body: Data?
    var error: String?
}

/// Performs `method` (GET, HEAD or PUT) on `url`.
/// - `token`: when not NULL, sent as `Authorization: Bearer <token>`; it is never written anywhere.
/// - `timeoutSeconds`: the longest wait for the server between two pieces of an answer; the whole
///   transfer may take 60 times that (a large blob on a slow line), no longer.
/// - `uploadPath`: for PUT, the file sent as the body.
/// - `downloadPath`: for a GET answered 200, the body is written to this file (created or truncated).
/// - `bytes`: receives the body bytes sent (PUT) or received (GET).
/// Returns the HTTP status, or -1 when no answer came (refused, timed out, unreadable upload,
/// unwritable download), with the reason in `error` (NUL-terminated, at most `capacity` bytes).
/// Thread-safe: any number of threads may call it at once; each call blocks its thread only.
@_cdecl("pbr_transfer")
public func pbr_transfer(_ method: UnsafePointer<CChar>, _ url: UnsafePointer<CChar>, _ token: UnsafePointer<CChar>?,
                         _ timeoutSeconds: Double, _ uploadPath: UnsafePointer<CChar>?,
                         _ downloadPath: UnsafePointer<CChar>?, _ bytes: UnsafeMutablePointer<Int64>,
                         _ error: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int32 {
    bytes.pointee = 0
    func fail(_ message: String) -> Int32 {
        if capacity > 0 {
            let utf8 = Array(message.utf8.prefix(capacity - 1))
            for (index, byte) in utf8.enumerated() { error[index] = CChar(bitPattern: byte) }
            error[utf8.count] = 0
        }
        return -1
    }
    let methodName = String(cString: method)
    guard let target = URL(string: String(cString: url)), let scheme = target.scheme?.lowercased(),
          scheme == "http" || scheme == "https" else { return fail("not an http(s) URL") }
    var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData,
                             timeoutInterval: timeoutSeconds > 0 ? timeoutSeconds : 5)
    request.httpMethod = methodName
    if let token { request.setValue("Bearer \(String(cString: token))", forHTTPHeaderField: "Authorization") }
    var upload: Data?
    if let uploadPath {
        guard let data = FileManager.default.contents(atPath: String(cString: uploadPath)) else {
            return fail("cannot read the file to upload")
        }
        upload = data
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
    }

    let answer = Answer()
    let done = DispatchSemaphore(value: 0)
    let handler: @Sendable (Data?, URLResponse?, Error?) -> Void = { data, response, failure in
        if let failure {
            answer.error = failure.localizedDescription
        } else if let http = response as? HTTPURLResponse {
            answer.status = Int32(http.statusCode)
            answer.body = data
        } else {
            answer.error = "no HTTP answer"
        }
        done.signal()
    }
    let task: URLSessionTask
    if let upload {
        task = session.uploadTask(with: request, from: upload, completionHandler: handler)
    } else {
        task = session.dataTask(with: request, completionHandler: handler)
    }
    task.resume()
    let limit = max(timeoutSeconds, 1) * 60
    if done.wait(timeout: .now() + limit) == .timedOut {
        task.cancel()
        done.wait()
        return fail("no complete answer within \(Int(limit)) s")
    }
    if answer.status < 0 { return fail(answer.error ?? "no answer") }
    if let upload { bytes.pointee = Int64(upload.count) }
    if methodName == "GET", answer.status == 200, let downloadPath {
        let body = answer.body ?? Data()
        guard FileManager.default.createFile(atPath: String(cString: downloadPath), contents: body) else {
            return fail("cannot write the downloaded file")
        }
        bytes.pointee = Int64(body.count)
    }
    return answer.status
}
