import Foundation
@testable import PlanBuildSupport

/// Shared helpers for the core tests: temporary project directories and file access.
enum TestSupport {
    /// The repository root, found from this file's location (Tests/PlanBuildCoreTests/…).
    static func repositoryRoot(_ filePath: String = #filePath) -> String {
        var url = URL(fileURLWithPath: filePath)
        url.deleteLastPathComponent() // PlanBuildCoreTests
        url.deleteLastPathComponent() // Tests
        url.deleteLastPathComponent() // repository root
        return url.path
    }

    static func resource(_ name: String, _ filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Resources/\(name)").path
    }

    /// A fresh, empty directory under the system temporary directory (absolute, symlink-free).
    static func makeTemporaryDirectory(_ label: String = "pbtest", in base: String = "/tmp") -> String {
        var template = Array("\(base)/\(label)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        let path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return FileSystem.realPath(path) ?? path
    }

    /// Runs `body` with a fresh temporary directory that is removed afterwards.
    static func withTemporaryDirectory<R>(_ label: String = "pbtest", in base: String = "/tmp",
                                          _ body: (String) throws -> R) rethrows -> R {
        let directory = makeTemporaryDirectory(label, in: base)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    /// A memory-backed directory when there is one: for tests whose subject is locking, not
    /// disk speed (every run-configuration write is fsync'ed, ~17 ms each on a virtual disk).
    static var memoryBackedBase: String {
        FileSystem.isDirectory("/dev/shm") && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    }

    static func write(_ text: String, to path: String) {
        write(Array(text.utf8), to: path)
    }

    static func write(_ bytes: [UInt8], to path: String) {
        let url = URL(fileURLWithPath: path)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
    }

    static func readBytes(_ path: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    static func readText(_ path: String) -> String {
        String(decoding: readBytes(path), as: UTF8.self)
    }
}
