// The digest plugin: SHA-256 of a file or a buffer, computed by swift-crypto. The core loads this
// library with dlopen the first time the build cache needs a digest (Incremental/ContentHasher.swift)
// and calls these C functions; nothing else of it is API.
import Crypto
// The plugin does not link the core (that would load it twice), so it picks the C library itself,
// as the core's Support/Platform.swift does.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Hashes the file at `path` into `out` (32 bytes), reading it in 64 KiB chunks (below malloc's
/// mmap threshold: a buffer per file must not cost two system calls).
/// Returns 0, or the errno value of the failed open/read. Thread-safe: no shared state.
@_cdecl("pbd_sha256_file")
public func pbd_sha256_file(_ path: UnsafePointer<CChar>, _ out: UnsafeMutablePointer<UInt8>) -> Int32 {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return errno }
    defer { close(descriptor) }
    let chunkSize = 64 << 10
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { chunk.deallocate() }
    var hasher = SHA256()
    while true {
        let count = read(descriptor, chunk.baseAddress, chunkSize)
        if count < 0 {
            if errno == EINTR { continue }
            return errno
        }
        if count == 0 { break }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
    }
    store(hasher.finalize(), out)
    return 0
}

/// Hashes `count` bytes at `bytes` into `out` (32 bytes). Always succeeds.
@_cdecl("pbd_sha256_bytes")
public func pbd_sha256_bytes(_ bytes: UnsafeRawPointer?, _ count: Int, _ out: UnsafeMutablePointer<UInt8>) {
    var hasher = SHA256()
    hasher.update(bufferPointer: UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : count))
    store(hasher.finalize(), out)
}

/// A hash computed piece by piece (a download hashed while it streams): `pbd_sha256_begin` returns
/// a new state, `pbd_sha256_update` adds bytes to it, `pbd_sha256_finish` writes the digest to
/// `out` (32 bytes) and frees the state. One state belongs to one caller at a time.
@_cdecl("pbd_sha256_begin")
public func pbd_sha256_begin() -> UnsafeMutableRawPointer {
    let state = UnsafeMutablePointer<SHA256>.allocate(capacity: 1)
    state.initialize(to: SHA256())
    return UnsafeMutableRawPointer(state)
}

@_cdecl("pbd_sha256_update")
public func pbd_sha256_update(_ state: UnsafeMutableRawPointer, _ bytes: UnsafeRawPointer?, _ count: Int) {
    guard let bytes, count > 0 else { return }
    state.assumingMemoryBound(to: SHA256.self).pointee.update(bufferPointer: UnsafeRawBufferPointer(start: bytes, count: count))
}

@_cdecl("pbd_sha256_finish")
public func pbd_sha256_finish(_ state: UnsafeMutableRawPointer, _ out: UnsafeMutablePointer<UInt8>) {
    let typed = state.assumingMemoryBound(to: SHA256.self)
    store(typed.pointee.finalize(), out)
    typed.deinitialize(count: 1)
    typed.deallocate()
}

private func store(_ digest: SHA256.Digest, _ out: UnsafeMutablePointer<UInt8>) {
    var index = 0
    for byte in digest {
        out[index] = byte
        index += 1
    }
}

/// The functions as C function pointers, for a program that links this code in instead of
/// loading the plugin (the CLI: ContentHasher.useBuiltIn). Taken here, in their own module: a
/// C pointer to a @_cdecl function taken in another module emits a second definition there.
public let pbdBuiltInFunctions: (
    file: @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<UInt8>) -> Int32,
    bytes: @convention(c) (UnsafeRawPointer?, Int, UnsafeMutablePointer<UInt8>) -> Void,
    begin: @convention(c) () -> UnsafeMutableRawPointer,
    update: @convention(c) (UnsafeMutableRawPointer, UnsafeRawPointer?, Int) -> Void,
    finish: @convention(c) (UnsafeMutableRawPointer, UnsafeMutablePointer<UInt8>) -> Void
) = (pbd_sha256_file, pbd_sha256_bytes, pbd_sha256_begin, pbd_sha256_update, pbd_sha256_finish)
