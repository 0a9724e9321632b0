import Foundation
import Testing
@testable import PlanBuildSupport

/// DirectoryHandle: nothing it writes, reads or removes leaves its folder, and no symbolic link is
/// followed on the way or at the end.
@Suite struct DirectoryHandleTests {
    @Test func pathsThatLeaveTheFolderAreRefused() {
        for bad in ["", "/etc/passwd", "..", "a/../b", "./a", "a/./b", "a\u{0}b"] {
            #expect(DirectoryHandle.components(bad) == nil, "\(bad)")
        }
        #expect(DirectoryHandle.components("a//b/") == ["a", "b"])
    }

    @Test func aLinkOnTheWayDownIsRefusedEvenWhenItStaysInside() throws {
        try TestSupport.withTemporaryDirectory { root in
            TestSupport.write("x", to: root + "/outside/file")
            try FileManager.default.createDirectory(atPath: root + "/project/real", withIntermediateDirectories: true)
            symlink(root + "/outside", root + "/project/docs")
            symlink("real", root + "/project/inside")
            let project = try DirectoryHandle.open(root + "/project")
            for name in ["docs", "inside", "docs/new"] {
                #expect(throws: FileError.self) { _ = try project.folder(name, create: true) }
            }
            #expect(!FileManager.default.fileExists(atPath: root + "/outside/new"))
            #expect(try project.folder("real/a/b", create: true).path == root + "/project/real/a/b")
        }
    }

    @Test func writingReplacesALinkInsteadOfFollowingIt() throws {
        try TestSupport.withTemporaryDirectory { root in
            TestSupport.write("secret", to: root + "/target")
            try FileManager.default.createDirectory(atPath: root + "/cache", withIntermediateDirectories: true)
            symlink(root + "/target", root + "/cache/stats.json")
            let cache = try DirectoryHandle.open(root + "/cache")
            #expect(throws: FileError.self) { _ = try cache.readFile("stats.json") }
            try cache.writeAtomically(Array("{}".utf8), as: "stats.json")
            #expect(TestSupport.readText(root + "/target") == "secret")
            #expect(try cache.readFile("stats.json") == Array("{}".utf8))
            #expect(cache.entries() == ["stats.json"])
        }
    }

    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() throws {
        try TestSupport.withTemporaryDirectory { root in
            #expect(mkfifo(root + "/pipe", 0o600) == 0)
            let folder = try DirectoryHandle.open(root)
            #expect(throws: FileError.self) { _ = try folder.readFile("pipe") }
            #expect(throws: FileError.self) { _ = try FileSystem.readFile(root + "/pipe") }
        }
    }

    @Test func tooLargeIsRefusedBeforeReading() throws {
        try TestSupport.withTemporaryDirectory { root in
            TestSupport.write([UInt8](repeating: 65, count: 5000), to: root + "/big")
            let folder = try DirectoryHandle.open(root)
            #expect(throws: FileError.self) { _ = try folder.readFile("big", limit: 4096) }
            #expect(try folder.readFile("big").count == 5000)
        }
    }

    @Test func removingAFolderUnlinksLinksAndNeverTheirTargets() throws {
        try TestSupport.withTemporaryDirectory { root in
            TestSupport.write("keep", to: root + "/project/pom.xml")
            TestSupport.write("r", to: root + "/cache/module/verify.json")
            symlink(root + "/project", root + "/cache/module/up")
            symlink(root + "/project", root + "/cache/link")
            let cache = try DirectoryHandle.open(root + "/cache")
            for entry in cache.entries() { try cache.remove(entry) }
            #expect(cache.entries().isEmpty)
            #expect(TestSupport.readText(root + "/project/pom.xml") == "keep")
        }
    }
}
