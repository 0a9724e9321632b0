import CPlanBuildSupport
import PlanBuildSupport

/// One HTTP exchange as the remote cache asks for it.
struct RemoteRequest: Sendable {
    var method: String
    var url: String
    /// Sent only as `Authorization: Bearer …` to `url` itself; never to another address.
    var token: String?
    /// The one deadline of the whole exchange (connecting, sending, every byte of the answer).
    var deadlineSeconds: Double
    /// For PUT: the file sent as the body.
    var uploadPath: String?
}

/// What an exchange gave.
enum RemoteOutcome: Equatable, Sendable {
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
protocol RemoteTransporting: Sendable {
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
struct RemoteTransport: RemoteTransporting {
    static let libraryName = "libplanbuild-remote.so"

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
        var candidates: [String] = []
        if let explicit = FileSystem.environment("PLANBUILD_REMOTE_LIBRARY"), !explicit.isEmpty { candidates.append(explicit) }
        var directory = [CChar](repeating: 0, count: 4096)
        if pbs_image_directory(&directory, directory.count) == 0 {
            candidates.append(FileSystem.join(text(directory), libraryName))
        }
        var reasons: [String] = []
        for path in candidates {
            var error = [CChar](repeating: 0, count: 512)
            guard let library = pbs_load_library(path, &error, error.count) else {
                reasons.append(text(error))
                continue
            }
            // An older plugin (pbr_transfer, other arguments) is refused by name, never called.
            guard let symbol = pbs_library_symbol(library, "pbr_request") else {
                reasons.append("\(path) lacks pbr_request (an older plugin?)")
                continue
            }
            return .success(RemoteTransport(request: unsafeBitCast(symbol, to: RequestFunction.self)))
        }
        let looked = candidates.isEmpty ? "no location known" : reasons.joined(separator: "; ")
        return .failure(PlanBuildError(.cacheUnavailable,
            "the remote cache needs \(libraryName) beside the library (swift build -c release --product planbuild-remote): \(looked)"))
    }

    /// The receiver as the plugin's C callback sees it: a pointer to this box.
    private final class Receiver {
        let receive: (UnsafeRawBufferPointer) -> Bool
        init(_ receive: @escaping (UnsafeRawBufferPointer) -> Bool) { self.receive = receive }
    }

    func perform(_ request: RemoteRequest, receive: (UnsafeRawBufferPointer) -> Bool) -> RemoteOutcome {
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
                        withOptionalCString(request.token) { token in
                            withOptionalCString(request.uploadPath) { upload in
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
        default: return .unreachable(Self.text(error))
        }
    }

    private func withOptionalCString<R>(_ value: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let value else { return body(nil) }
        return value.withCString { body($0) }
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
