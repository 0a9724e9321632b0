import CPlanBuildSupport
import PlanBuildSupport

/// SHA-256 for the build cache, computed by Nettle (the system's `libnettle.so.8`), which the C
/// support code opens with dlopen the first time a digest is needed (planbuild_digest.h): linked,
/// it would cost every process start, and most never hash a file. `PLANBUILD_DIGEST_LIBRARY`
/// names another libnettle (Nettle 3) to open instead.
public struct ContentHasher: Sendable {
    public static let libraryName = "libnettle.so.8"

    /// The hasher, or the reason libnettle could not be opened (kept: every caller gets the same answer).
    public static func shared() throws(PlanBuildError) -> ContentHasher {
        switch loaded {
        case .success(let hasher): return hasher
        case .failure(let error): throw error
        }
    }

    private static let loaded: Result<ContentHasher, PlanBuildError> = load()

    private static func load() -> Result<ContentHasher, PlanBuildError> {
        let library = FileSystem.environment("PLANBUILD_DIGEST_LIBRARY").flatMap { $0.isEmpty ? nil : $0 } ?? libraryName
        if let problem = pbs_sha256_load(library) {
            return .failure(PlanBuildError(.cacheUnavailable, "the build cache cannot compute SHA-256: \(String(cString: problem))"))
        }
        return .success(ContentHasher())
    }

    private init() {}

    /// The hex SHA-256 of a file's content.
    public func hexDigest(ofFile path: String) throws(FileError) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let code = digest.withUnsafeMutableBufferPointer { pbs_sha256_file(path, $0.baseAddress!) }
        if code != 0 { throw FileError(errno: code, path: path) }
        return Self.hex(digest)
    }

    /// The hex SHA-256 of a text (manifests, digests of digests).
    public func hexDigest(of text: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var copy = text
        copy.withUTF8 { bytes in
            digest.withUnsafeMutableBufferPointer { pbs_sha256_bytes(UnsafeRawPointer(bytes.baseAddress), bytes.count, $0.baseAddress!) }
        }
        return Self.hex(digest)
    }

    /// The hex SHA-256 of bytes (an encoded message named by its digest).
    public func hexDigest(ofBytes bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBytes { buffer in
            digest.withUnsafeMutableBufferPointer { pbs_sha256_bytes(buffer.baseAddress, buffer.count, $0.baseAddress!) }
        }
        return Self.hex(digest)
    }

    /// A hash fed piece by piece (a download hashed while it streams to its file).
    public func stream() -> Stream { Stream(hasher: self) }

    /// One incremental SHA-256. Not for concurrent use; its state is freed by `finish` or when
    /// the stream is released.
    public final class Stream {
        private var state: UnsafeMutableRawPointer?

        /// Only a ContentHasher makes one: libnettle is open by then.
        fileprivate init(hasher: ContentHasher) {
            self.state = pbs_sha256_begin()
        }

        deinit { _ = finish() }

        public func update(_ bytes: UnsafeRawBufferPointer) {
            guard let state else { return }
            pbs_sha256_update(state, bytes.baseAddress, bytes.count)
        }

        /// The hex digest of everything added; "" once finished before.
        public func finish() -> String {
            guard let state else { return "" }
            self.state = nil
            var digest = [UInt8](repeating: 0, count: 32)
            digest.withUnsafeMutableBufferPointer { pbs_sha256_finish(state, $0.baseAddress!) }
            return ContentHasher.hex(digest)
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
