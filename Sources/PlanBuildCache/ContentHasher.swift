import Synchronization
import PlanBuildSupport

/// SHA-256 for the build cache, computed by swift-crypto in the digest plugin
/// (`libplanbuild-digest.so`, target PlanBuildDigest) beside the library or the CLI.
///
/// Why a plugin: swift-crypto links FoundationEssentials, and libplanbuild.so is loaded by every
/// Python shim start; only a run that uses the cache pays for loading it, once per process.
/// `PLANBUILD_DIGEST_LIBRARY` names another location (tests, unusual installs). A program that
/// links the plugin's code in (the CLI) hands its functions over with `useBuiltIn` instead.
public struct ContentHasher: Sendable {
    public static let libraryName = "libplanbuild-digest.so"

    public typealias FileFunction = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<UInt8>) -> Int32
    public typealias BytesFunction = @convention(c) (UnsafeRawPointer?, Int, UnsafeMutablePointer<UInt8>) -> Void
    public typealias BeginFunction = @convention(c) () -> UnsafeMutableRawPointer
    public typealias UpdateFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer?, Int) -> Void
    public typealias FinishFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt8>) -> Void

    private let hashFile: FileFunction
    private let hashBytes: BytesFunction
    private let begin: BeginFunction
    private let update: UpdateFunction
    private let finish: FinishFunction

    /// The loaded plugin, or the reason it could not be loaded (kept: every caller gets the same answer).
    public static func shared() throws(PlanBuildError) -> ContentHasher {
        switch loaded {
        case .success(let hasher): return hasher
        case .failure(let error): throw error
        }
    }

    private static let loaded: Result<ContentHasher, PlanBuildError> = load()
    private static let builtIn = Mutex<ContentHasher?>(nil)

    /// Uses the plugin's functions (pbd_sha256_file, _bytes, _begin, _update, _finish) linked into
    /// the calling program instead of loading the plugin. Call before the first `shared()`: the CLI
    /// does so first thing, since it links the Swift runtime in and loading the plugin would load
    /// a second, shared one (several milliseconds of every cached run).
    public static func useBuiltIn(file: FileFunction, bytes: BytesFunction, begin: BeginFunction,
                                  update: UpdateFunction, finish: FinishFunction) {
        builtIn.withLock {
            $0 = ContentHasher(hashFile: file, hashBytes: bytes, begin: begin, update: update, finish: finish)
        }
    }

    private static func load() -> Result<ContentHasher, PlanBuildError> {
        if let hasher = builtIn.withLock({ $0 }) { return .success(hasher) }
        let library: PluginLibrary
        switch PluginLibrary.open(libraryName, variable: "PLANBUILD_DIGEST_LIBRARY") {
        case .success(let opened): library = opened
        case .failure(let error):
            return .failure(PlanBuildError(.cacheUnavailable,
                "the build cache needs \(libraryName) beside the library (swift build -c release --product planbuild-digest): \(error)"))
        }
        guard let file = library.symbol("pbd_sha256_file"),
              let bytes = library.symbol("pbd_sha256_bytes"),
              let begin = library.symbol("pbd_sha256_begin"),
              let update = library.symbol("pbd_sha256_update"),
              let finish = library.symbol("pbd_sha256_finish") else {
            return .failure(PlanBuildError(.cacheUnavailable,
                "\(library.path) lacks one of pbd_sha256_file/_bytes/_begin/_update/_finish"))
        }
        return .success(ContentHasher(hashFile: unsafeBitCast(file, to: FileFunction.self),
                                      hashBytes: unsafeBitCast(bytes, to: BytesFunction.self),
                                      begin: unsafeBitCast(begin, to: BeginFunction.self),
                                      update: unsafeBitCast(update, to: UpdateFunction.self),
                                      finish: unsafeBitCast(finish, to: FinishFunction.self)))
    }

    /// The hex SHA-256 of a file's content.
    public func hexDigest(ofFile path: String) throws(FileError) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let code = digest.withUnsafeMutableBufferPointer { hashFile(path, $0.baseAddress!) }
        if code != 0 { throw FileError(errno: code, path: path) }
        return Self.hex(digest)
    }

    /// The hex SHA-256 of a text (manifests, digests of digests).
    public func hexDigest(of text: String) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var copy = text
        copy.withUTF8 { bytes in
            digest.withUnsafeMutableBufferPointer { hashBytes(UnsafeRawPointer(bytes.baseAddress), bytes.count, $0.baseAddress!) }
        }
        return Self.hex(digest)
    }

    /// A hash fed piece by piece (a download hashed while it streams to its file).
    public func stream() -> Stream { Stream(hasher: self) }

    /// One incremental SHA-256. Not for concurrent use; its state is freed by `finish` or when
    /// the stream is released.
    public final class Stream {
        private let hasher: ContentHasher
        private var state: UnsafeMutableRawPointer?

        fileprivate init(hasher: ContentHasher) {
            self.hasher = hasher
            self.state = hasher.begin()
        }

        deinit { _ = finish() }

        public func update(_ bytes: UnsafeRawBufferPointer) {
            guard let state else { return }
            hasher.update(state, bytes.baseAddress, bytes.count)
        }

        /// The hex digest of everything added; "" once finished before.
        public func finish() -> String {
            guard let state else { return "" }
            self.state = nil
            var digest = [UInt8](repeating: 0, count: 32)
            digest.withUnsafeMutableBufferPointer { hasher.finish(state, $0.baseAddress!) }
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
