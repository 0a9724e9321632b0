import PlanBuildCache
import PlanBuildExecution
import PlanBuildSupport

/// The content-addressable storage: which blobs the server lacks, uploads (batched when small,
/// ByteStream Write when not), downloads checked against their digests.
extension REAPIClient {
    static let casService = "/build.bazel.remote.execution.v2.ContentAddressableStorage/"
    /// The piece of a ByteStream upload in each WriteRequest.
    static let writeChunk = 1 << 20
    /// Digests asked about in one FindMissingBlobs call (~80 bytes each: well within a message).
    static let digestsPerQuery = 10_000

    // MARK: Which blobs are missing

    /// Those of `digests` the server does not hold. An answer naming a blob that was not asked
    /// about is malformed.
    package func findMissing(_ digests: [Digest]) throws(RemoteExecutionError) -> [Digest] {
        var missing: [Digest] = []
        var start = 0
        while start < digests.count {
            let part = Array(digests[start..<min(start + Self.digestsPerQuery, digests.count)])
            start += part.count
            let response: FindMissingBlobsResponse = try call(Self.casService + "FindMissingBlobs",
                                                              FindMissingBlobsRequest(instanceName: instanceName, blobDigests: part))
            let asked = Set(part)
            guard response.missingBlobDigests.allSatisfy(asked.contains) else {
                throw RemoteExecutionError(.malformed, "FindMissingBlobs: the answer names a blob that was not asked about")
            }
            missing += response.missingBlobDigests
        }
        return missing
    }

    // MARK: Uploads

    /// Uploads blobs held in memory: those within the batch limit together in BatchUpdateBlobs
    /// calls, larger ones by ByteStream Write. Each blob's size must match its digest's.
    package func upload(blobs: [(Digest, [UInt8])]) throws(RemoteExecutionError) {
        let limit = try batchLimit()
        var batch: [BatchUpdateBlobsRequest.Request] = []
        var batchBytes = 0
        for (digest, data) in blobs {
            guard digest.sizeBytes == Int64(data.count) else {
                throw RemoteExecutionError(.local, "blob \(digest.hash): \(data.count) bytes, its digest says \(digest.sizeBytes)")
            }
            if data.count > limit {
                // In pieces: one message must stay within the server's bound too.
                var sent = 0
                try write(digest) { () throws(GrpcFailure) -> [UInt8]? in
                    guard sent < data.count else { return nil }
                    let piece = Array(data[sent..<min(sent + Self.writeChunk, data.count)])
                    sent += piece.count
                    return piece
                }
                continue
            }
            if batchBytes + data.count > limit {
                try sendBatch(batch)
                batch = []
                batchBytes = 0
            }
            batch.append(.init(digest: digest, data: data))
            batchBytes += data.count
        }
        try sendBatch(batch)
    }

    /// Uploads the file at `path` as the blob `digest`.
    package func uploadFile(path: String, digest: Digest) throws(RemoteExecutionError) {
        let descriptor = SystemCall.retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else {
            throw RemoteExecutionError(.local, "\(path): \(SystemCall.reason(errno))")
        }
        defer { close(descriptor) }
        try uploadFile(descriptor: descriptor, digest: digest, name: path)
    }

    /// Uploads what `descriptor` reads from its current position as the blob `digest`: in a
    /// batch when it fits, else streamed by ByteStream Write without holding it. A file that is
    /// shorter or longer than the digest says is a `.local` error (it changed after hashing).
    package func uploadFile(descriptor: Int32, digest: Digest, name: String = "a file") throws(RemoteExecutionError) {
        guard digest.sizeBytes >= 0 else { throw RemoteExecutionError(.local, "\(name): a negative size in its digest") }
        var remaining = digest.sizeBytes
        var readFailure: RemoteExecutionError?
        /// The next piece of at most `count` bytes; fails when the file ends early.
        func nextPiece(_ count: Int) throws(RemoteExecutionError) -> [UInt8] {
            var piece = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let got = piece.withUnsafeMutableBytes { buffer in
                    SystemCall.retrying { SwiftGlibc.read(descriptor, buffer.baseAddress! + filled, count - filled) }
                }
                guard got > 0 else {
                    throw RemoteExecutionError(.local, got == 0 ? "\(name) is shorter than its digest says (it changed?)"
                                                                : "\(name): \(SystemCall.reason(errno))")
                }
                filled += got
            }
            remaining -= Int64(count)
            return piece
        }
        func checkEnd() throws(RemoteExecutionError) {
            var probe: UInt8 = 0
            if SystemCall.retrying({ SwiftGlibc.read(descriptor, &probe, 1) }) > 0 {
                throw RemoteExecutionError(.local, "\(name) is longer than its digest says (it changed?)")
            }
        }
        if digest.sizeBytes <= Int64(try batchLimit()) {
            let data = try nextPiece(Int(digest.sizeBytes))
            try checkEnd()
            try sendBatch([.init(digest: digest, data: data)])
            return
        }
        do throws(RemoteExecutionError) {
            try write(digest) { () throws(GrpcFailure) -> [UInt8]? in
                guard remaining > 0 else { return nil }
                do throws(RemoteExecutionError) {
                    let piece = try nextPiece(Int(min(remaining, Int64(Self.writeChunk))))
                    if remaining == 0 { try checkEnd() }
                    return piece
                } catch {
                    readFailure = error
                    throw GrpcFailure.unreachable(error.message)
                }
            }
        } catch {
            throw readFailure ?? error
        }
    }

    private func sendBatch(_ requests: [BatchUpdateBlobsRequest.Request]) throws(RemoteExecutionError) {
        guard !requests.isEmpty else { return }
        let bytes = requests.reduce(Int64(0)) { $0 + $1.digest.sizeBytes }
        let response: BatchUpdateBlobsResponse = try call(Self.casService + "BatchUpdateBlobs",
                                                          BatchUpdateBlobsRequest(instanceName: instanceName, requests: requests),
                                                          deadlineSeconds: transferDeadline(bytes))
        // Every blob sent must be answered OK; one the answer leaves out was not stored.
        var outcome: [Digest: RpcStatus] = [:]
        for answer in response.responses { outcome[answer.digest] = answer.status }
        for request in requests {
            guard let status = outcome[request.digest] else {
                throw RemoteExecutionError(.malformed, "BatchUpdateBlobs: no answer about blob \(request.digest.hash)")
            }
            guard status.isOK else {
                throw RemoteExecutionError(.server(Int(status.code)),
                    "BatchUpdateBlobs: blob \(request.digest.hash): \(GrpcStatusCode.name(of: Int(status.code))): \(status.message)")
            }
        }
    }

    /// ByteStream Write of the blob `digest`, its bytes given piece by piece by `next`.
    private func write(_ digest: Digest, next: () throws(GrpcFailure) -> [UInt8]?) throws(RemoteExecutionError) {
        let resource = resourcePrefix + "uploads/\(Self.uploadID())/blobs/\(digest.hash)/\(digest.sizeBytes)"
        var offset: Int64 = 0
        var finished = false
        let reply = channel.clientStreaming("/google.bytestream.ByteStream/Write", deadlineSeconds: transferDeadline(digest.sizeBytes),
                                            maximumReplyBytes: 1 << 10, cancellation: cancellation) { () throws(GrpcFailure) -> [UInt8]? in
            guard !finished else { return nil }
            let data = try next() ?? []
            // The last request says so; the resource name goes in the first only.
            finished = offset + Int64(data.count) >= digest.sizeBytes
            let request = WriteRequest(resourceName: offset == 0 ? resource : "", writeOffset: offset, finishWrite: finished, data: data)
            offset += Int64(data.count)
            return request.encoded()
        }
        switch reply {
        case .failure(let failure):
            throw RemoteExecutionError(failure, during: "ByteStream.Write of blob \(digest.hash)")
        case .success(let bytes):
            let response: WriteResponse
            do throws(ProtoError) { response = try WriteResponse(decoding: bytes) } catch { throw RemoteExecutionError(error, during: "ByteStream.Write") }
            // A server that already held the blob may answer early with the full size.
            guard response.committedSize == digest.sizeBytes else {
                throw RemoteExecutionError(.malformed, "ByteStream.Write of blob \(digest.hash): the server holds \(response.committedSize) of \(digest.sizeBytes) bytes")
            }
        }
    }

    // MARK: Downloads

    /// The blob `digest`, checked: its size and SHA-256 must match, else `.digestMismatch`.
    /// A blob larger than `maximumBytes` is `.tooLarge` and is not fetched.
    package func read(_ digest: Digest, maximumBytes: Int) throws(RemoteExecutionError) -> [UInt8] {
        try Self.checkShape(digest)
        guard digest.sizeBytes <= Int64(maximumBytes) else {
            throw RemoteExecutionError(.tooLarge, "blob \(digest.hash): \(digest.sizeBytes) bytes, more than the \(maximumBytes) allowed")
        }
        let data: [UInt8]
        if digest.sizeBytes <= Int64(try batchLimit()) {
            data = try batchRead(digest)
        } else {
            var collected: [UInt8] = []
            try streamRead(digest) { piece in collected += piece; return true }
            data = collected
        }
        try Self.check(data, against: digest)
        return data
    }

    /// Streams the blob `digest` into `descriptor` (from its current position), hashing as it
    /// goes. A blob that does not match its digest is `.digestMismatch`, and what was written is
    /// truncated away; the caller writes to a file of its own and puts it in place only on success.
    package func readToFile(_ digest: Digest, descriptor: Int32, name: String = "a file") throws(RemoteExecutionError) {
        try Self.checkShape(digest)
        let hasher = try Self.hasher().stream()
        var received: Int64 = 0
        var writeFailure: RemoteExecutionError?
        let start = lseek(descriptor, 0, SEEK_CUR)
        do throws(RemoteExecutionError) {
            try streamRead(digest) { piece in
                received += Int64(piece.count)
                guard received <= digest.sizeBytes else { return false }
                piece.withUnsafeBytes { hasher.update($0) }
                do throws(FileError) {
                    try SystemCall.writeAll(descriptor, piece, path: name)
                } catch {
                    writeFailure = RemoteExecutionError(.local, "\(error)")
                    return false
                }
                return true
            }
        } catch {
            if let writeFailure { throw writeFailure }
            if start >= 0 { _ = ftruncate(descriptor, start) }
            throw error
        }
        if let writeFailure { throw writeFailure }
        let hash = hasher.finish()
        guard received == digest.sizeBytes, hash == digest.hash else {
            if start >= 0 { _ = ftruncate(descriptor, start) }
            throw RemoteExecutionError(.digestMismatch, "blob \(digest.hash): the server sent \(received) bytes hashing to \(hash)")
        }
    }

    private func batchRead(_ digest: Digest) throws(RemoteExecutionError) -> [UInt8] {
        let response: BatchReadBlobsResponse = try call(Self.casService + "BatchReadBlobs",
                                                        BatchReadBlobsRequest(instanceName: instanceName, digests: [digest]),
                                                        deadlineSeconds: transferDeadline(digest.sizeBytes),
                                                        maximumReplyBytes: Int(digest.sizeBytes) + (64 << 10))
        guard response.responses.count == 1, let answer = response.responses.first, answer.digest == digest else {
            throw RemoteExecutionError(.malformed, "BatchReadBlobs: not one answer about blob \(digest.hash)")
        }
        guard answer.status.isOK else {
            throw RemoteExecutionError(.server(Int(answer.status.code)),
                "BatchReadBlobs: blob \(digest.hash): \(GrpcStatusCode.name(of: Int(answer.status.code))): \(answer.status.message)")
        }
        return answer.data
    }

    /// ByteStream Read of the blob: each piece to `receive` (false stops; then the caller knows why).
    private func streamRead(_ digest: Digest, receive: ([UInt8]) -> Bool) throws(RemoteExecutionError) {
        let resource = resourcePrefix + "blobs/\(digest.hash)/\(digest.sizeBytes)"
        var malformed: ProtoError?
        var received: Int64 = 0
        let outcome = channel.serverStreaming("/google.bytestream.ByteStream/Read", ReadRequest(resourceName: resource).encoded(),
                                              deadlineSeconds: transferDeadline(digest.sizeBytes), maximumMessageBytes: Self.messageLimit,
                                              cancellation: cancellation) { message in
            do throws(ProtoError) {
                let piece = try ReadResponse(decoding: message).data
                received += Int64(piece.count)
                // More than the digest says is never taken in.
                guard received <= digest.sizeBytes else { return false }
                return receive(piece)
            } catch {
                malformed = error
                return false
            }
        }
        if let malformed { throw RemoteExecutionError(malformed, during: "ByteStream.Read") }
        if case .failure(let failure) = outcome { throw RemoteExecutionError(failure, during: "ByteStream.Read of blob \(digest.hash)") }
        if received > digest.sizeBytes {
            throw RemoteExecutionError(.digestMismatch, "blob \(digest.hash): the server sent more than its \(digest.sizeBytes) bytes")
        }
    }

    // MARK: Digests

    /// `{instance}/` or "" for the unnamed instance, before a ByteStream resource.
    var resourcePrefix: String { instanceName.isEmpty ? "" : instanceName + "/" }

    /// A digest from a server names a blob only if it is a SHA-256 (64 lowercase hex digits)
    /// with a size that is not negative: anything else would go into a resource name unchecked.
    static func checkShape(_ digest: Digest) throws(RemoteExecutionError) {
        let hex = digest.hash.utf8
        guard hex.count == 64, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }), digest.sizeBytes >= 0 else {
            throw RemoteExecutionError(.malformed, "not a SHA-256 digest: \(digest.hash.prefix(80))/\(digest.sizeBytes)")
        }
    }

    static func check(_ data: [UInt8], against digest: Digest) throws(RemoteExecutionError) {
        let hasher = try hasher().stream()
        data.withUnsafeBytes { hasher.update($0) }
        let hash = hasher.finish()
        guard Int64(data.count) == digest.sizeBytes, hash == digest.hash else {
            throw RemoteExecutionError(.digestMismatch, "blob \(digest.hash): the server sent \(data.count) bytes hashing to \(hash)")
        }
    }

    /// The digest of bytes, as the CAS names them.
    package static func digest(of data: [UInt8]) throws(RemoteExecutionError) -> Digest {
        let hasher = try hasher().stream()
        data.withUnsafeBytes { hasher.update($0) }
        return Digest(hash: hasher.finish(), sizeBytes: Int64(data.count))
    }

    /// The digest of a message's encoding (an Action, a Command, a Directory).
    package static func digest<M: ProtoMessage>(of message: M) throws(RemoteExecutionError) -> Digest {
        try digest(of: message.encoded())
    }

    static func hasher() throws(RemoteExecutionError) -> ContentHasher {
        do {
            return try ContentHasher.shared()
        } catch {
            throw RemoteExecutionError(.local, "\(error)")
        }
    }

    /// A random version-4 UUID for an upload's resource name.
    static func uploadID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}
