extension REAPIClient {
    /// The blobs `digests` in as few BatchReadBlobs calls as the server's batch limit allows (a
    /// blob past the limit alone by ByteStream), each checked against its digest. A blob the
    /// server lacks is `.server(NOT_FOUND)`; an answer about a blob not asked for, or one left
    /// out, is `.malformed`. Many small blobs (an input tree's sources) cost a call per batch
    /// instead of one each.
    package func read(many digests: [Digest]) throws(RemoteExecutionError) -> [Digest: [UInt8]] {
        let limit = Int64(try batchLimit())
        var found: [Digest: [UInt8]] = [:]
        var batch: [Digest] = []
        var batchBytes: Int64 = 0
        for digest in Set(digests) {
            try Self.checkShape(digest)
            guard digest.sizeBytes <= limit else {
                found[digest] = try read(digest, maximumBytes: Int(clamping: digest.sizeBytes))
                continue
            }
            if !batch.isEmpty && batchBytes + digest.sizeBytes > limit {
                try readBatch(batch, bytes: batchBytes, into: &found)
                batch = []
                batchBytes = 0
            }
            batch.append(digest)
            batchBytes += digest.sizeBytes
        }
        if !batch.isEmpty { try readBatch(batch, bytes: batchBytes, into: &found) }
        return found
    }

    private func readBatch(_ digests: [Digest], bytes: Int64, into found: inout [Digest: [UInt8]]) throws(RemoteExecutionError) {
        let response: BatchReadBlobsResponse = try call(Self.casService + "BatchReadBlobs",
                                                        BatchReadBlobsRequest(instanceName: instanceName, digests: digests),
                                                        deadlineSeconds: transferDeadline(bytes),
                                                        maximumReplyBytes: Int(bytes) + digests.count * 256 + (64 << 10))
        var pending = Set(digests)
        for answer in response.responses {
            guard pending.remove(answer.digest) != nil else {
                throw RemoteExecutionError(.malformed, "BatchReadBlobs: an answer about blob \(answer.digest.hash), not asked for or twice")
            }
            guard answer.status.isOK else {
                throw RemoteExecutionError(.server(Int(answer.status.code)),
                    "BatchReadBlobs: blob \(answer.digest.hash): \(GrpcStatusCode.name(of: Int(answer.status.code))): \(answer.status.message)")
            }
            try Self.check(answer.data, against: answer.digest)
            found[answer.digest] = answer.data
        }
        if let left = pending.first {
            throw RemoteExecutionError(.malformed, "BatchReadBlobs: no answer about blob \(left.hash)")
        }
    }
}
