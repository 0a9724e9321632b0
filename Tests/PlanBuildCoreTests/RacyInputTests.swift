import Foundation
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildCache

/// Git's racy-timestamp rule for input files: an entry whose time is not older than the scan that
/// records it may change again without changing its identity (within the same clock tick; a whole
/// second on ext3, ext4 with 128-byte inodes, some NFS), so it is recorded smudged and hashed by
/// the next scan instead of being trusted.
@Suite struct RacyInputTests {
    private let second: Int64 = 1_000_000_000

    private func files(_ path: String, _ identity: FileIdentity) -> ScannedFiles {
        var files = ScannedFiles()
        Array(path.utf8).withUnsafeBufferPointer { files.append(path: $0, identity: identity) }
        return files
    }

    @Test func theRuleOnNumbers() {
        let start: Int64 = 1_800_000_010_300_000_000
        func identity(_ time: Int64) -> FileIdentity {
            FileIdentity(size: 4, modifiedNanoseconds: time, inode: 7, changedNanoseconds: time)
        }
        // Nanosecond times: racy within 0.1 s of the scan's start, or after it.
        #expect(identity(start - 50_000_000).isRacy(scanStartNanoseconds: start))
        #expect(identity(start + 5 * second).isRacy(scanStartNanoseconds: start))
        #expect(!identity(start - 500_000_001).isRacy(scanStartNanoseconds: start))
        // Whole seconds: the second the scan started in and the one before are racy.
        #expect(identity(1_800_000_010 * second).isRacy(scanStartNanoseconds: start))
        #expect(identity(1_800_000_009 * second).isRacy(scanStartNanoseconds: start))
        #expect(!identity(1_800_000_007 * second).isRacy(scanStartNanoseconds: start))
        // Recorded smudged only when racy.
        #expect(identity(1_800_000_010 * second).recorded(scanStartNanoseconds: start).size == FileIdentity.smudgedSize)
        #expect(identity(1_800_000_007 * second).recorded(scanStartNanoseconds: start) == identity(1_800_000_007 * second))
    }

    /// The whole-second case on real files, with the identities such a file system reports (this
    /// one keeps nanoseconds, so they are written down): the second edit keeps the identity, and
    /// only the racy rule makes the next run read the file.
    @Test func aSameSecondEditIsHashedByTheNextScan() throws {
        let hasher = try ContentHasher.shared()
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("aaaa", to: project + "/src/A.txt")
            let recordedAt: Int64 = 1_800_000_010 * second
            let coarse = FileIdentity(size: 4, modifiedNanoseconds: recordedAt, inode: 7, changedNanoseconds: recordedAt)
            let scanned = files("src/A.txt", coarse)
            let recorded = InputManifest.build(scanned.files, projectDirectory: project, previous: nil, hasher: hasher, threads: 1,
                                               scanStartNanoseconds: recordedAt + 300_000_000)
            #expect(recorded.entries[0].identity.size == FileIdentity.smudgedSize)
            let stored = recorded.storedBytes

            TestSupport.write("bbbb", to: project + "/src/A.txt") // same size, same second: the same identity
            #expect(InputManifest.unchanged(stored: stored, files: scanned) == nil, "a racy entry took the fast path")
            let next = InputManifest.build(scanned.files, projectDirectory: project, previous: InputManifest.parse(stored: stored),
                                           hasher: hasher, threads: 1, scanStartNanoseconds: recordedAt + 5 * second)
            #expect(next.digest != recorded.digest)
            #expect(next.changes(since: recorded) == InputManifest.Changes(modified: ["src/A.txt"]))
            // Scanned long after its last change, the entry is trusted again: the fast path holds.
            #expect(next.entries[0].identity == coarse)
            #expect(InputManifest.unchanged(stored: next.storedBytes, files: scanned)?.digest == next.digest)
        }
    }

    /// The same on a real file system with whole-second times: an ext4 image with 128-byte inodes,
    /// loop-mounted for the test and removed after it. Edits the input twice within one second,
    /// around a recorded run, and asks the cache again.
    @Test(.enabled(if: LoopMountedExt4.isPossible, LoopMountedExt4.requirement))
    func aSameSecondEditOnAWholeSecondFileSystemIsNotAStaleHit() throws {
        try TestSupport.withTemporaryDirectory { base in
            let mount = try LoopMountedExt4(in: base)
            defer { mount.remove() }
            let project = mount.path + "/project"
            let cache = try IncrementalTestProject(project, modules: [
                "lib": #"{"name": "lib", "paths": {"module": "lib", "sources": ["lib/src"]}, "commands": {"verify": "true"}}"#,
            ])
            let input = project + "/lib/src/L.txt"
            var sameSecond = false
            for _ in 0..<5 where !sameSecond {
                // Start early in a second, so the run and both edits fit in it.
                var now = timespec()
                repeat { usleep(20_000); clock_gettime(CLOCK_REALTIME, &now) } while now.tv_nsec > 200_000_000
                TestSupport.write("aaaa", to: input)
                try cache.recordAll()
                let before = LoopMountedExt4.times(input)
                TestSupport.write("bbbb", to: input)
                let after = LoopMountedExt4.times(input)
                #expect(before.nanoseconds == 0 && after.nanoseconds == 0, "the file system keeps more than whole seconds")
                guard before == after else { continue } // the second turned: try again
                sameSecond = true
                #expect(try cache.decisions() == ["inputs_changed"])
            }
            #expect(sameSecond, "no attempt fitted in one second")
        }
    }
}

/// An ext4 file system with 128-byte inodes (whole-second times) in an image file, loop-mounted.
struct LoopMountedExt4 {
    static var isPossible: Bool {
        getuid() == 0 && FileSystem.exists("/dev/loop-control") && FileSystem.onPath("mkfs.ext4") != nil
            && FileSystem.onPath("mount") != nil && FileSystem.onPath("umount") != nil
    }
    static let requirement: Comment = "needs root, /dev/loop-control and mkfs.ext4 to loop-mount a whole-second file system"

    let path: String

    /// Makes `base/ext4.img` and mounts it on `base/mnt`.
    init(in base: String) throws {
        let image = base + "/ext4.img"
        path = base + "/mnt"
        #expect(FileManager.default.createFile(atPath: image, contents: nil))
        #expect(truncate(image, 16 << 20) == 0)
        mkdir(path, 0o755)
        try Self.run(["mkfs.ext4", "-q", "-F", "-I", "128", image])
        // `-o loop` attaches the image with autoclear: unmounting detaches it, leaving nothing behind.
        try Self.run(["mount", "-o", "loop", image, path])
    }

    func remove() {
        _ = try? Self.run(["umount", path])
    }

    /// What the cache's fast path compares, as the file system reports it, and the nanoseconds
    /// it keeps (none on this file system).
    struct Times: Equatable {
        let size: Int
        let inode: UInt
        let modifiedSeconds: Int
        let changedSeconds: Int
        let nanoseconds: Int
    }

    static func times(_ path: String) -> Times {
        var info = stat()
        guard stat(path, &info) == 0 else { return Times(size: -1, inode: 0, modifiedSeconds: 0, changedSeconds: 0, nanoseconds: -1) }
        return Times(size: Int(info.st_size), inode: UInt(info.st_ino), modifiedSeconds: info.st_mtim.tv_sec,
                     changedSeconds: info.st_ctim.tv_sec, nanoseconds: info.st_mtim.tv_nsec + info.st_ctim.tv_nsec)
    }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        try TestProgram.run(arguments)
    }
}
