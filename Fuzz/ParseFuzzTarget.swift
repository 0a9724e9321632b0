// libFuzzer target for PlanBuild's hostile-input guarantees:
// whatever bytes a log holds, pb_parse answers with JSON and never aborts, for every parser;
// and whatever bytes a request holds, the entry points that never start a process answer with
// JSON too.
//
// Built and run by scripts/fuzz, which compiles the core's layers and PlanBuildABI together with this
// file under `swiftc -sanitize=fuzzer,address`, so that the parsers themselves carry libFuzzer's
// coverage instrumentation (not only this file).
//
// Per input:
//   1. the bytes are written to a log file in /dev/shm and pb_parse reads it with each parser
//      (maven, gradle, npm, python); the reply must be JSON with "status":"success" (the file exists and is
//      a regular file, so any error reply is a bug);
//   2. the bytes, NUL-terminated, are sent as the request of pb_format, pb_filter_warnings,
//      pb_resolve and pb_query (read-only: its "wrapper" runs nothing); the reply must be a JSON
//      object with a "status";
//   3. the first bytes as a handle for pb_cancel (0: no job) and pb_wait (an error at once).
// pb_execute, pb_run and the writing entry points (pb_timeout_set, pb_create_log_file) are never
// called: arbitrary requests must not start processes or write files.
#if canImport(Glibc)
import Glibc
#endif
import PlanBuildABI
import PlanBuildSupport
import PlanBuildParsing

private let logPath = "/dev/shm/planbuild-fuzz-\(getpid()).log"
private let parseRequests = ParserRegistry.names.map { system in
    JSONWriter.writeCompact(.object(JSONObject([("log_file", .string(logPath)), ("system", .string(system))])))
}

private func fail(_ what: String, _ reply: String) -> Never {
    let text = "planbuild fuzz: \(what)\nreply: \(reply.prefix(2000))\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    abort()
}

/// Parses a reply and returns its "status", failing the run when the reply is no JSON object.
private func status(of reply: UnsafeMutablePointer<CChar>?, from function: String) -> String {
    guard let reply else { fail("\(function) returned NULL", "") }
    let text = String(cString: reply)
    pb_free(reply)
    guard case .object(let members)? = try? JSONParser.parse(text),
          case .string(let status)? = members["status"] else {
        fail("\(function) returned something that is not a JSON object with a status", text)
    }
    return status
}

private func writeLog(_ data: UnsafePointer<UInt8>?, _ size: Int) {
    let descriptor = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fail("cannot create \(logPath): \(String(cString: strerror(errno)))", "") }
    var written = 0
    while written < size, let data {
        let count = write(descriptor, data + written, size - written)
        if count < 0 {
            if errno == EINTR { continue }
            fail("cannot write \(logPath): \(String(cString: strerror(errno)))", "")
        }
        written += count
    }
    close(descriptor)
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    atexit { _ = unlink(logPath) }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    // 1. The bytes as a log, through every parser.
    writeLog(data, size)
    for request in parseRequests {
        let reply = request.withCString { pb_parse($0) }
        guard let reply else { fail("pb_parse returned NULL for \(request)", "") }
        let text = String(cString: reply)
        pb_free(reply)
        guard case .object(let members)? = try? JSONParser.parse(text),
              case .string("success")? = members["status"],
              case .array? = members["issues"] else {
            fail("pb_parse did not succeed on a regular file: \(request)", text)
        }
    }
    unlink(logPath)  // a crash or OOM later in this input leaves no file behind in /dev/shm

    // 2. The bytes as a request (up to the first NUL, as a C caller would pass them).
    let request = UnsafeMutablePointer<CChar>.allocate(capacity: size + 1)
    defer { request.deallocate() }
    if size > 0, let data { UnsafeMutableRawPointer(request).copyMemory(from: data, byteCount: size) }
    request[size] = 0
    _ = status(of: pb_format(request), from: "pb_format")
    _ = status(of: pb_filter_warnings(request), from: "pb_filter_warnings")
    _ = status(of: pb_resolve(request), from: "pb_resolve")
    _ = status(of: pb_query(request), from: "pb_query")
    // 3. The first 8 bytes as a handle: no job runs here, so pb_wait must answer at once with an
    //    error and pb_cancel with 0.
    var handle: Int64 = 0
    if let data { withUnsafeMutableBytes(of: &handle) { $0.copyMemory(from: UnsafeRawBufferPointer(start: data, count: min(size, 8))) } }
    if pb_cancel(handle) != 0 { fail("pb_cancel of handle \(handle) with no job → not 0", "") }
    _ = status(of: pb_wait(handle), from: "pb_wait")
    return 0
}
