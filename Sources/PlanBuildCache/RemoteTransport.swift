import PlanBuildSupport

/// One HTTP exchange as the remote cache asks for it.
package struct RemoteRequest: Sendable {
    package var method: String
    package var url: String
    /// Sent only as `Authorization: Bearer …` to `url` itself; never to another address.
    package var token: String?
    /// The one deadline of the whole exchange (connecting, sending, every byte of the answer).
    package var deadlineSeconds: Double
    /// For PUT: the file sent as the body.
    package var uploadPath: String?
    /// A blob's size as its record declares it (`cas/…` requests): a content-addressed store
    /// that names blobs by digest and size (REAPI's CAS) needs it.
    package var blobSize: Int64?
}

/// What an exchange gave.
package enum RemoteOutcome: Equatable, Sendable {
    /// An HTTP answer. A redirect (3xx) is an answer too: it is never followed. `bytes`: the body
    /// bytes handed to the receiver (a 200 to a GET) or sent (PUT).
    case answered(status: Int, bytes: Int64)
    /// No answer: refused, reset, a name that does not resolve, an unreadable upload.
    case unreachable(String)
    /// The deadline passed before the exchange was complete; it was cut.
    case deadlinePassed
    /// The receiver asked to stop (a body past its limit, a file that cannot be written); cut.
    case stopped
}

/// HTTP for the remote cache. The cache decides what is asked and what an answer means; a
/// transport only moves bytes, within the request's deadline, following no redirect.
package protocol RemoteTransporting: Sendable {
    /// Performs `request`. The body of a 200 answer to a GET goes to `receive`, piece by piece,
    /// before this returns and never after; `receive` returning false cuts the transfer
    /// (`.stopped`). Other bodies are read and dropped (a little of them) or cut.
    func perform(_ request: RemoteRequest, receive: (UnsafeRawBufferPointer) -> Bool) -> RemoteOutcome
}

/// The transport of real runs: libcurl in the remote plugin (`libplanbuild-remote.so`, target
/// PlanBuildRemote, which says why libcurl) beside the library or the CLI.
///
/// Why a plugin: libcurl and its TLS library would slow every shim start that loads
/// libplanbuild.so; only a run with a remote cache configured loads it, once per process.
/// `PLANBUILD_REMOTE_LIBRARY` names another location (tests, unusual installs).
package struct RemoteTransport: RemoteTransporting {
    package static let libraryName = "libplanbuild-remote.so"

    /// The plugin, opened once per process by whichever part needs it first: the remote cache's
    /// HTTP here, remote execution's gRPC (PlanBuildRemoteExecution's GrpcChannel).
    package static let plugin = PluginLibrary.open(libraryName, variable: "PLANBUILD_REMOTE_LIBRARY")

    /// `pbr_request`, documented in Sources/PlanBuildRemote/include/planbuild_remote.h.
    private typealias RequestFunction = @convention(c) (
        UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<CChar>?, Double, UnsafePointer<CChar>?,
        (@convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int32)?, UnsafeMutableRawPointer?,
        UnsafeMutablePointer<Int64>, UnsafeMutablePointer<CChar>, Int) -> Int32

    private let request: RequestFunction

    static func shared() throws(PlanBuildError) -> RemoteTransport {
        switch loaded {
        case .success(let transport): return transport
        case .failure(let error): throw error
        }
    }

    private static let loaded: Result<RemoteTransport, PlanBuildError> = load()

    private static func load() -> Result<RemoteTransport, PlanBuildError> {
        let library: PluginLibrary
        switch plugin {
        case .success(let opened): library = opened
        case .failure(let error):
            return .failure(PlanBuildError(.cacheUnavailable,
                "the remote cache needs \(libraryName) beside the library (swift build -c release --product planbuild-remote): \(error)"))
        }
        // An older plugin (pbr_transfer, other arguments) is refused by name, never called.
        guard let symbol = library.symbol("pbr_request") else {
            return .failure(PlanBuildError(.cacheUnavailable, "\(library.path) lacks pbr_request (an older plugin?)"))
        }
        return .success(RemoteTransport(request: unsafeBitCast(symbol, to: RequestFunction.self)))
    }

    /// The receiver as the plugin's C callback sees it: a pointer to this box.
    private final class Receiver {
        let receive: (UnsafeRawBufferPointer) -> Bool
        init(_ receive: @escaping (UnsafeRawBufferPointer) -> Bool) { self.receive = receive }
    }

    package func perform(_ request: RemoteRequest, receive: (UnsafeRawBufferPointer) -> Bool) -> RemoteOutcome {
        var bytes: Int64 = 0
        var error = [CChar](repeating: 0, count: 512)
        let sink: @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?, Int) -> Int32 = { context, pointer, count in
            guard let context else { return 1 }
            let receiver = Unmanaged<Receiver>.fromOpaque(context).takeUnretainedValue()
            return receiver.receive(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count)) ? 0 : 1
        }
        // The plugin calls the receiver only while `pbr_request` runs, so it never outlives this call.
        let status: Int32 = withoutActuallyEscaping(receive) { escapable in
            let receiver = Receiver(escapable)
            return withExtendedLifetime(receiver) {
                let context = Unmanaged.passUnretained(receiver).toOpaque()
                return request.method.withCString { method in
                    request.url.withCString { url in
                        request.token.withOptionalCString { token in
                            request.uploadPath.withOptionalCString { upload in
                                self.request(method, url, token, request.deadlineSeconds, upload, sink, context,
                                             &bytes, &error, error.count)
                            }
                        }
                    }
                }
            }
        }
        switch status {
        case 0...: return .answered(status: Int(status), bytes: bytes)
        case -2: return .deadlinePassed
        case -3: return .stopped
        default: return .unreachable(String(nulTerminated: error))
        }
    }
}
