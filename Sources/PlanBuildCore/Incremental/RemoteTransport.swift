import CPlanBuildSupport

/// HTTP for the remote build cache, done by URLSession in the remote plugin
/// (`libplanbuild-remote.so`, target PlanBuildRemote) beside the library or the CLI.
///
/// Why a plugin: FoundationNetworking (and libcurl) would slow every shim start that loads
/// libplanbuild.so; only a run with a remote cache configured loads it, once per process.
/// `PLANBUILD_REMOTE_LIBRARY` names another location (tests, unusual installs).
struct RemoteTransport: Sendable {
    static let libraryName = "libplanbuild-remote.so"

    private typealias TransferFunction = @convention(c) (
        UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<CChar>?, Double, UnsafePointer<CChar>?,
        UnsafePointer<CChar>?, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<CChar>, Int) -> Int32

    private let transfer: TransferFunction

    /// What came back: the HTTP status, or nil with the reason when no answer came.
    struct Answer {
        let status: Int?
        let bytes: Int64
        let failure: String?
    }

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
            guard let symbol = pbs_library_symbol(library, "pbr_transfer") else {
                reasons.append("\(path) lacks pbr_transfer")
                continue
            }
            return .success(RemoteTransport(transfer: unsafeBitCast(symbol, to: TransferFunction.self)))
        }
        let looked = candidates.isEmpty ? "no location known" : reasons.joined(separator: "; ")
        return .failure(PlanBuildError(.cacheUnavailable,
            "the remote cache needs \(libraryName) beside the library (swift build -c release --product planbuild-remote): \(looked)"))
    }

    /// One request. `token` goes only into the Authorization header, never into an answer.
    func perform(_ method: String, url: String, token: String?, timeoutSeconds: Double,
                 upload: String? = nil, download: String? = nil) -> Answer {
        var bytes: Int64 = 0
        var error = [CChar](repeating: 0, count: 512)
        let status: Int32 = method.withCString { methodPointer in
            url.withCString { urlPointer in
                withOptionalCString(token) { tokenPointer in
                    withOptionalCString(upload) { uploadPointer in
                        withOptionalCString(download) { downloadPointer in
                            transfer(methodPointer, urlPointer, tokenPointer, timeoutSeconds, uploadPointer,
                                     downloadPointer, &bytes, &error, error.count)
                        }
                    }
                }
            }
        }
        if status < 0 { return Answer(status: nil, bytes: 0, failure: Self.text(error)) }
        return Answer(status: Int(status), bytes: bytes, failure: nil)
    }

    private func withOptionalCString<R>(_ value: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let value else { return body(nil) }
        return value.withCString { body($0) }
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
