import PlanBuildSupport
import PlanBuildCache
@testable import PlanBuildRemoteExecution

/// A CAS in memory for the worker's file tests: what the tests are about is the worker's own
/// handling of the trees, so the blobs may be anything a hostile server could send, a blob that
/// does not match its digest included.
final class MemoryCAS: ActionStore, @unchecked Sendable {
    var blobs: [Digest: [UInt8]] = [:]
    /// Calls to `contents(of:)`: how many round trips a server would have had.
    var calls = 0
    let digests = BlobDigests(hasher: try! ContentHasher.shared())

    /// Stores `bytes` under their true digest.
    @discardableResult
    func put(_ bytes: [UInt8]) -> Digest {
        let digest = digests.digest(of: bytes)
        blobs[digest] = bytes
        return digest
    }

    @discardableResult
    func put(_ directory: Directory) -> Digest { put(directory.encoded()) }

    func file(_ name: String, _ text: String, executable: Bool = false) -> FileNode {
        FileNode(name: name, digest: put(Array(text.utf8)), isExecutable: executable)
    }

    func folder(_ name: String, _ directory: Directory) -> DirectoryNode {
        DirectoryNode(name: name, digest: put(directory))
    }

    func contents(of digests: [Digest]) throws(LeaseFailure) -> [Digest: [UInt8]] {
        calls += 1
        var found: [Digest: [UInt8]] = [:]
        for digest in digests {
            guard let bytes = blobs[digest] else { throw .missing("\(digest.hash) is not in the CAS") }
            found[digest] = bytes
        }
        return found
    }

    func write(_ digest: Digest, to descriptor: Int32) throws(LeaseFailure) {
        guard let bytes = blobs[digest] else { throw .missing("\(digest.hash) is not in the CAS") }
        do {
            try SystemCall.writeAll(descriptor, bytes, path: "test blob")
        } catch {
            throw .local("\(error)")
        }
    }
}

extension MemoryCAS {
    func missing(_ digests: [Digest]) throws(LeaseFailure) -> Set<Digest> { Set(digests.filter { blobs[$0] == nil }) }

    func upload(_ blobs: [(Digest, [UInt8])]) throws(LeaseFailure) {
        for (digest, bytes) in blobs { self.blobs[digest] = bytes }
    }

    func uploadFile(_ descriptor: Int32, digest: Digest) throws(LeaseFailure) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
            offset += off_t(count)
        }
        blobs[digest] = bytes
    }

    func text(_ digest: Digest?) -> String? { digest.flatMap { blobs[$0] }.map { String(decoding: $0, as: UTF8.self) } }
}

/// A temporary folder for one test, removed at the end.
final class ScratchFolder {
    let path: String

    init() {
        var template = Array("/tmp/planbuild-worker-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { _ = try? DirectoryHandle.open("/tmp").remove(String(path.dropFirst("/tmp/".count))) }

    func make(_ relative: String) -> String {
        let full = FileSystem.join(path, relative)
        try! FileSystem.makeDirectories(full)
        return full
    }

    func handle(_ relative: String) -> DirectoryHandle { try! DirectoryHandle.open(make(relative)) }

    func text(_ relative: String) -> String? {
        (try? FileSystem.readFile(FileSystem.join(path, relative))).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ relative: String) -> Bool {
        var info = stat()
        return lstat(FileSystem.join(path, relative), &info) == 0
    }

    func mode(_ relative: String) -> mode_t {
        var info = stat()
        _ = lstat(FileSystem.join(path, relative), &info)
        return info.st_mode & 0o777
    }
}
