import PlanBuildSupport
import PlanBuildCache

/// SHA-256 digests of what the worker reads and writes: a blob's bytes, a file through its
/// descriptor, and the check that a digest from the server is one at all.
package struct BlobDigests: Sendable {
    let hasher: ContentHasher

    package init(hasher: ContentHasher) { self.hasher = hasher }

    package func digest(of bytes: [UInt8]) -> Digest {
        let stream = hasher.stream()
        bytes.withUnsafeBytes { stream.update($0) }
        return Digest(hash: stream.finish(), sizeBytes: Int64(bytes.count))
    }

    package func digest<M: ProtoMessage>(of message: M) -> (digest: Digest, bytes: [UInt8]) {
        let bytes = message.encoded()
        return (digest(of: bytes), bytes)
    }

    /// The digest of the whole file open as `descriptor`, read from its start (pread: the
    /// descriptor's offset is left alone).
    package func digest(ofFile descriptor: Int32, path: String) throws(FileError) -> Digest {
        let stream = hasher.stream()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                SystemCall.retrying { pread(descriptor, raw.baseAddress, raw.count, off_t(offset)) }
            }
            if count < 0 { throw FileError(errno: errno, path: path) }
            if count == 0 { break }
            buffer.withUnsafeBytes { stream.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            offset += Int64(count)
        }
        return Digest(hash: stream.finish(), sizeBytes: offset)
    }

    /// Why `digest` cannot name a blob of at most `limit` bytes: not a digest by the client's rule
    /// (64 lowercase hex digits, since the hash goes into resource names, and a size not below
    /// zero), or a size past the limit; nil when it can.
    package static func problem(_ digest: Digest, limit: Int64) -> String? {
        do {
            try REAPIClient.checkShape(digest)
        } catch {
            return OneLine.escape(error.message)
        }
        return digest.sizeBytes <= limit ? nil : "blob \(digest.hash) has \(digest.sizeBytes) bytes, more than the \(limit) allowed"
    }
}
