import PlanBuildSupport
import PlanBuildCache

/// The shared build cache (RemoteCache: a record at `ac/{input digest}`, each artifact and log at
/// `cas/{sha256}`) on a REAPI server instead of an HTTP cache: `--remote-cache grpc://HOST:PORT`.
/// RemoteCache decides what is asked and what an answer means, exactly as over HTTP; this only
/// maps its requests onto the ActionCache and the CAS:
/// - a record is a blob of the CAS, named in the ActionCache under a key made from the input
///   digest (the digest of `planbuild-record` TAB input digest) as the ActionResult's one output
///   file, `planbuild-record.json`;
/// - `cas/{sha256}` is the blob of that SHA-256 and the size its record declares: HEAD is
///   FindMissingBlobs, GET a checked read, PUT an upload (batched or ByteStream, by size).
/// A gRPC answer becomes the HTTP status RemoteCache understands: NOT_FOUND 404, a found blob or
/// record 200, an upload 201; an unreachable server, a passed deadline, a blob that does not match
/// its digest stop the cache as their HTTP equivalents do.
package struct REAPICacheTransport: RemoteTransporting {
    static let recordName = "planbuild-record.json"

    private let client: REAPIClient
    private let hasher: ContentHasher

    package init(settings: RemoteCacheSettings, instance: String) throws(PlanBuildError) {
        do {
            self.client = REAPIClient(channel: try GrpcChannel(target: settings.url), instanceName: instance,
                                      callDeadlineSeconds: settings.timeoutSeconds)
        } catch {
            throw PlanBuildError(.cacheUnavailable, "\(error)")
        }
        self.hasher = try ContentHasher.shared()
    }

    package func perform(_ request: RemoteRequest, receive: (UnsafeRawBufferPointer) -> Bool) -> RemoteOutcome {
        let parts = request.url.split(separator: "/")
        guard parts.count >= 2, let kind = parts.dropLast().last.map(String.init), let key = parts.last.map(String.init),
              OutputRestore.isDigest(key) else { return .answered(status: 400, bytes: 0) }
        // The deadline RemoteCache granted this request (within the run's budget).
        var client = self.client
        client.callDeadlineSeconds = max(0.1, request.deadlineSeconds)
        do throws(RemoteExecutionError) {
            switch (request.method, kind) {
            case ("GET", "ac"): return try readRecord(key, client: client, receive: receive)
            case ("PUT", "ac"): return try writeRecord(key, from: request.uploadPath, client: client)
            case (_, "cas"):
                guard let size = request.blobSize, size >= 0 else { return .answered(status: 400, bytes: 0) }
                let digest = Digest(hash: key, sizeBytes: size)
                switch request.method {
                case "HEAD": return .answered(status: try client.findMissing([digest]).isEmpty ? 200 : 404, bytes: 0)
                case "GET":
                    let bytes = try client.read(digest, maximumBytes: Int(clamping: size))
                    return bytes.withUnsafeBytes { receive($0) } ? .answered(status: 200, bytes: Int64(bytes.count)) : .stopped
                case "PUT":
                    guard let path = request.uploadPath else { return .answered(status: 400, bytes: 0) }
                    try client.uploadFile(path: path, digest: digest)
                    return .answered(status: 201, bytes: size)
                default: return .answered(status: 405, bytes: 0)
                }
            default: return .answered(status: 405, bytes: 0)
            }
        } catch {
            return Self.outcome(of: error)
        }
    }

    /// The ActionCache's key of the record of `inputDigest`.
    private func recordKey(_ inputDigest: String) -> Digest {
        let text = "planbuild-record\t\(inputDigest)"
        return Digest(hash: hasher.hexDigest(of: text), sizeBytes: Int64(text.utf8.count))
    }

    private func readRecord(_ inputDigest: String, client: REAPIClient,
                            receive: (UnsafeRawBufferPointer) -> Bool) throws(RemoteExecutionError) -> RemoteOutcome {
        guard let result = try client.getActionResult(recordKey(inputDigest)),
              let file = result.outputFiles.first(where: { $0.path == Self.recordName }) else {
            return .answered(status: 404, bytes: 0)
        }
        // A record is a few kilobytes: one larger is not read (RemoteCache refuses it as cut).
        guard file.digest.sizeBytes <= Int64(RemoteRecord.maximumBytes) else { return .stopped }
        let bytes = try client.read(file.digest, maximumBytes: RemoteRecord.maximumBytes)
        return bytes.withUnsafeBytes { receive($0) } ? .answered(status: 200, bytes: Int64(bytes.count)) : .stopped
    }

    private func writeRecord(_ inputDigest: String, from path: String?, client: REAPIClient) throws(RemoteExecutionError) -> RemoteOutcome {
        guard let path, let bytes = try? FileSystem.readFile(path), bytes.count <= RemoteRecord.maximumBytes else {
            return .unreachable("the record to upload cannot be read")
        }
        let digest = Digest(hash: hasher.hexDigest(ofBytes: bytes), sizeBytes: Int64(bytes.count))
        try client.upload(blobs: [(digest, bytes)])
        var result = ActionResult()
        result.outputFiles = [OutputFile(path: Self.recordName, digest: digest)]
        _ = try client.updateActionResult(recordKey(inputDigest), result)
        return .answered(status: 201, bytes: Int64(bytes.count))
    }

    /// A failed call as RemoteCache reads an HTTP exchange.
    private static func outcome(of error: RemoteExecutionError) -> RemoteOutcome {
        switch error.code {
        case .unreachable, .local: return .unreachable(error.message)
        case .deadline: return .deadlinePassed
        case .cancelled: return .stopped
        case .server(let code) where code == GrpcStatusCode.notFound.rawValue: return .answered(status: 404, bytes: 0)
        case .server(let code) where code == GrpcStatusCode.unavailable.rawValue: return .unreachable(error.message)
        case .server: return .answered(status: 500, bytes: 0)
        // A blob that is not what its digest says, an answer that breaks the protocol: the
        // server is not to be trusted for the rest of the run.
        case .digestMismatch, .malformed, .tooLarge: return .answered(status: 502, bytes: 0)
        }
    }
}
