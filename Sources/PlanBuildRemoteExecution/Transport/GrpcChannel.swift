import PlanBuildExecution
import PlanBuildSupport

/// gRPC calls to one server (`grpc://HOST:PORT`, cleartext HTTP/2) through the remote plugin.
/// Every call has a deadline and a bound on the size of what it takes; a cancellation token cuts
/// it within about a second. The channel holds no connection: each call opens its own.
package struct GrpcChannel: Sendable {
    /// The address as given (`grpc://HOST:PORT`).
    package let target: String
    /// The same server as libcurl names it (`http://HOST:PORT`).
    let baseURL: String
    private let plugin: GrpcPlugin

    /// Checks the address and loads the plugin; both failures are `.local`.
    package init(target: String) throws(RemoteExecutionError) {
        self.target = target
        self.baseURL = try Self.baseURL(of: target)
        self.plugin = try GrpcPlugin.shared()
    }

    /// `grpc://HOST:PORT` (a trailing `/` allowed) as `http://HOST:PORT`. TLS (`grpcs://`) is
    /// refused by name rather than tried: nothing here has been proven against a TLS server.
    static func baseURL(of target: String) throws(RemoteExecutionError) -> String {
        let scheme = "grpc://"
        guard target.hasPrefix(scheme) else {
            throw RemoteExecutionError(.local, target.hasPrefix("grpcs://")
                ? "\(target): grpcs:// (TLS) is not supported; use grpc://HOST:PORT"
                : "\(target): not a grpc://HOST:PORT address")
        }
        var authority = target.dropFirst(scheme.count)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard let colon = authority.lastIndex(of: ":"),
              let port = Int(authority[authority.index(after: colon)...]), (1...65535).contains(port),
              colon > authority.startIndex,
              !authority.contains(where: { $0 == "/" || $0 == "@" || $0 == "?" || $0 == "#" || $0.isWhitespace }) else {
            throw RemoteExecutionError(.local, "\(target): not a grpc://HOST:PORT address")
        }
        return "http://\(authority)"
    }

    /// One request, one answer of at most `maximumReplyBytes`.
    package func unary(_ method: String, _ request: [UInt8], deadlineSeconds: Double, maximumReplyBytes: Int,
                       cancellation: CancellationToken?) -> Result<[UInt8], GrpcFailure> {
        var reply: [UInt8]?
        var count = 0
        let outcome = perform(method, body: Self.frame(request), source: nil, deadlineSeconds: deadlineSeconds,
                              maximumMessageBytes: maximumReplyBytes, cancellation: cancellation) { message in
            count += 1
            reply = message
            return count == 1
        }
        return Self.exactlyOne(outcome, reply)
    }

    /// One request; each message of the answer goes to `receive` as it completes, on this thread.
    /// `receive` returning false ends the call early, which is not a failure.
    package func serverStreaming(_ method: String, _ request: [UInt8], deadlineSeconds: Double, maximumMessageBytes: Int,
                                 cancellation: CancellationToken?, receive: ([UInt8]) -> Bool) -> Result<Void, GrpcFailure> {
        switch perform(method, body: Self.frame(request), source: nil, deadlineSeconds: deadlineSeconds,
                       maximumMessageBytes: maximumMessageBytes, cancellation: cancellation, receive: receive) {
        case .completed, .stopped: return .success(())
        case .failed(let failure): return .failure(failure)
        }
    }

    /// Many requests (`next` gives each, nil after the last; a failure it throws aborts the call),
    /// sent as one body without holding them all; one answer of at most `maximumReplyBytes`.
    package func clientStreaming(_ method: String, deadlineSeconds: Double, maximumReplyBytes: Int,
                                 cancellation: CancellationToken?,
                                 next: () throws(GrpcFailure) -> [UInt8]?) -> Result<[UInt8], GrpcFailure> {
        // The plugin asks for the body only while the call runs, so `next` never outlives it.
        withoutActuallyEscaping(next) { next in
            var reply: [UInt8]?
            var count = 0
            var pending: [UInt8] = []
            var offset = 0
            var sourceFailure: GrpcFailure?
            let source: (UnsafeMutableRawBufferPointer) -> Int = { buffer in
                while offset == pending.count {
                    do throws(GrpcFailure) {
                        guard let message = try next() else { return 0 }
                        pending = Self.frame(message)
                        offset = 0
                    } catch {
                        sourceFailure = error
                        return -1
                    }
                }
                let piece = min(buffer.count, pending.count - offset)
                pending.withUnsafeBytes { bytes in
                    buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: piece)
                }
                offset += piece
                return piece
            }
            let outcome = perform(method, body: nil, source: source, deadlineSeconds: deadlineSeconds,
                                  maximumMessageBytes: maximumReplyBytes, cancellation: cancellation) { message in
                count += 1
                reply = message
                return count == 1
            }
            if let sourceFailure { return .failure(sourceFailure) }
            return Self.exactlyOne(outcome, reply)
        }
    }

    // MARK: The call

    /// gRPC's framing of one message: not compressed, the length in four big-endian bytes.
    static func frame(_ message: [UInt8]) -> [UInt8] {
        let length = UInt32(truncatingIfNeeded: message.count)
        return [0, UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
                UInt8(truncatingIfNeeded: length)] + message
    }

    /// How a call ended: the answer complete, stopped by the receiver, or a failure.
    private enum CallEnd {
        case completed
        case stopped
        case failed(GrpcFailure)
    }

    /// A unary answer: exactly one message (the receiver stops at a second one).
    private static func exactlyOne(_ end: CallEnd, _ reply: [UInt8]?) -> Result<[UInt8], GrpcFailure> {
        switch end {
        case .stopped: return .failure(.malformed("the answer is not exactly one message"))
        case .failed(let failure): return .failure(failure)
        case .completed:
            guard let reply else { return .failure(.malformed("no message in the answer")) }
            return .success(reply)
        }
    }

    /// What the plugin's callbacks reach through their context pointer.
    private final class Callbacks {
        let receive: ([UInt8]) -> Bool
        let source: ((UnsafeMutableRawBufferPointer) -> Int)?
        let cancellation: CancellationToken?

        init(receive: @escaping ([UInt8]) -> Bool, source: ((UnsafeMutableRawBufferPointer) -> Int)?, cancellation: CancellationToken?) {
            self.receive = receive
            self.source = source
            self.cancellation = cancellation
        }
    }

    private func perform(_ method: String, body: [UInt8]?, source: ((UnsafeMutableRawBufferPointer) -> Int)?,
                         deadlineSeconds: Double, maximumMessageBytes: Int, cancellation: CancellationToken?,
                         receive: ([UInt8]) -> Bool) -> CallEnd {
        if cancellation?.isCancelled == true { return .failed(.cancelled) }
        guard body.map({ $0.count - 5 <= Int(UInt32.max) }) ?? true else { return .failed(.tooLarge) }
        let sink: GrpcPlugin.Sink = { context, message, count in
            let callbacks = Unmanaged<Callbacks>.fromOpaque(context!).takeUnretainedValue()
            let bytes = message.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
            return callbacks.receive(bytes) ? 0 : 1
        }
        let cancelled: GrpcPlugin.Cancelled = { context in
            let callbacks = Unmanaged<Callbacks>.fromOpaque(context!).takeUnretainedValue()
            return callbacks.cancellation?.isCancelled == true ? 1 : 0
        }
        let reader: GrpcPlugin.Source = { context, buffer, capacity in
            let callbacks = Unmanaged<Callbacks>.fromOpaque(context!).takeUnretainedValue()
            guard let source = callbacks.source, let buffer else { return -1 }
            return source(UnsafeMutableRawBufferPointer(start: buffer, count: capacity))
        }
        var error = [CChar](repeating: 0, count: 512)
        // The plugin calls back only while pbr_grpc_call runs, so the closures never outlive this call.
        let status: Int32 = withoutActuallyEscaping(receive) { receive in
            let sourceClosure = source
            let callbacks = Callbacks(receive: receive, source: sourceClosure, cancellation: cancellation)
            return withExtendedLifetime(callbacks) {
                let context = Unmanaged.passUnretained(callbacks).toOpaque()
                return baseURL.withCString { url in
                    method.withCString { method in
                        if let body {
                            return body.withUnsafeBufferPointer { bytes in
                                plugin.call(url, method, bytes.baseAddress, bytes.count, nil, deadlineSeconds,
                                            maximumMessageBytes, sink, cancelled, context, &error, error.count)
                            }
                        }
                        return plugin.call(url, method, nil, 0, reader, deadlineSeconds, maximumMessageBytes, sink,
                                           cancelled, context, &error, error.count)
                    }
                }
            }
        }
        let reason = String(nulTerminated: error)
        switch status {
        case 0: return .completed
        case 1...16: return .failed(.status(code: Int(status), message: reason))
        case -2: return .failed(.deadlineExceeded)
        case -3: return .stopped
        case -4: return .failed(.malformed(reason))
        case -5: return .failed(.cancelled)
        case -6: return .failed(.tooLarge)
        default: return .failed(.unreachable(reason))
        }
    }
}
