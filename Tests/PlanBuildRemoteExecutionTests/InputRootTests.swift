import Testing
import PlanBuildSupport
@testable import PlanBuildRemoteExecution

/// The worker lays each input root out from a tree a server sent: whatever the tree says, nothing
/// is written outside the lease's folder, nothing already there is written through, and every
/// byte matches its digest.
@Suite struct InputRootTests {
    let cas = MemoryCAS()
    let scratch = ScratchFolder()

    func materialise(_ root: Digest, limits: InputRootLimits = InputRootLimits()) throws(LeaseFailure) -> DirectoryHandle {
        let target = scratch.handle("lease/root")
        try InputRoot(blobs: cas, digests: cas.digests, limits: limits).materialise(root, into: target)
        return target
    }

    func refusal(_ root: Digest, limits: InputRootLimits = InputRootLimits()) -> LeaseFailure? {
        do {
            _ = try materialise(root, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func aTreeIsLaidOutWithItsContentModesAndLinks() throws {
        let source = Directory(files: [cas.file("Main.java", "class Main {}\n")])
        let root = cas.put(Directory(files: [cas.file("mvnw", "#!/bin/sh\n", executable: true), cas.file("pom.xml", "<project/>\n")],
                                     directories: [cas.folder("src", source), cas.folder("empty", Directory())],
                                     symlinks: [SymlinkNode(name: "main", target: "src/Main.java")]))
        _ = try materialise(root)
        #expect(scratch.text("lease/root/pom.xml") == "<project/>\n")
        #expect(scratch.text("lease/root/src/Main.java") == "class Main {}\n")
        #expect(scratch.mode("lease/root/mvnw") == 0o755)
        #expect(scratch.mode("lease/root/pom.xml") == 0o644)
        #expect(scratch.exists("lease/root/empty"))
        #expect(FileSystem.symbolicLinkTarget(FileSystem.join(scratch.path, "lease/root/main")) == "src/Main.java")
    }

    @Test func aSubtreeUsedTwiceIsLaidOutTwice() throws {
        let module = cas.folder("core", Directory(files: [cas.file("a.txt", "a")]))
        var other = module
        other.name = "api"
        _ = try materialise(cas.put(Directory(directories: [other, module])))
        #expect(scratch.text("lease/root/core/a.txt") == "a")
        #expect(scratch.text("lease/root/api/a.txt") == "a")
    }

    @Test(arguments: ["..", ".", "", "a/b", "/etc", "a\u{0}b"])
    func aNameThatIsNotOnePlainComponentIsRefused(_ name: String) {
        let escaping = Directory(files: [cas.file("passwd", "owned")])
        let asFolder = cas.put(Directory(directories: [DirectoryNode(name: name, digest: cas.put(escaping))]))
        #expect(refusal(asFolder)?.code == Int32(GrpcStatusCode.invalidArgument.rawValue))
        let asFile = cas.put(Directory(files: [cas.file(name, "owned")]))
        #expect(refusal(asFile)?.code == Int32(GrpcStatusCode.invalidArgument.rawValue))
        let asLink = cas.put(Directory(symlinks: [SymlinkNode(name: name, target: "x")]))
        #expect(refusal(asLink)?.code == Int32(GrpcStatusCode.invalidArgument.rawValue))
        // Nothing landed beside the root, in the scratch folder or below it.
        #expect(!scratch.exists("lease/passwd") && !scratch.exists("passwd") && !scratch.exists("lease/root/passwd"))
    }

    @Test func aNameTwiceInOneFolderIsRefused() {
        let twiceAsFile = cas.put(Directory(files: [cas.file("a", "1"), cas.file("a", "2")]))
        #expect(refusal(twiceAsFile)?.message.contains("occurs twice") == true)
        let fileAndFolder = cas.put(Directory(files: [cas.file("a", "1")], directories: [cas.folder("a", Directory())]))
        #expect(refusal(fileAndFolder)?.message.contains("occurs twice") == true)
        let fileAndLink = cas.put(Directory(files: [cas.file("a", "1")], symlinks: [SymlinkNode(name: "a", target: "b")]))
        #expect(refusal(fileAndLink)?.message.contains("occurs twice") == true)
    }

    @Test func aLinkPlantedInTheFolderIsNeverWrittenThrough() {
        let outside = scratch.make("outside")
        let target = scratch.make("lease/root")
        symlink(outside, FileSystem.join(target, "out"))
        symlink(FileSystem.join(outside, "pom.xml"), FileSystem.join(target, "pom.xml"))

        let throughFolder = cas.put(Directory(directories: [cas.folder("out", Directory(files: [cas.file("x", "owned")]))]))
        #expect(refusal(throughFolder)?.code == Int32(GrpcStatusCode.invalidArgument.rawValue))
        let throughFile = cas.put(Directory(files: [cas.file("pom.xml", "owned")]))
        #expect(refusal(throughFile)?.code == Int32(GrpcStatusCode.invalidArgument.rawValue))
        #expect(FileSystem.listDirectory(outside).isEmpty)
    }

    @Test func aLinkThatLeavesTheRootIsRefused() {
        for target in ["/etc/passwd", "../x", "a/../../x", "sub/../../../x"] {
            let root = cas.put(Directory(symlinks: [SymlinkNode(name: "l", target: target)]))
            #expect(refusal(root)?.message.contains("target") == true, "\(target)")
        }
        let deep = cas.put(Directory(directories: [cas.folder("a", Directory(symlinks: [SymlinkNode(name: "l", target: "../b")]))]))
        #expect(refusal(deep) == nil)
    }

    @Test func contentThatDoesNotMatchItsDigestIsRefused() {
        let file = cas.file("a.txt", "the real content")
        cas.blobs[file.digest] = Array("something else!!".utf8)  // same size, other bytes
        #expect(refusal(cas.put(Directory(files: [file])))?.message.contains("does not match") == true)

        var longer = cas.file("b.txt", "short")
        longer.digest.sizeBytes = 3  // the right hash, a size the bytes do not have
        cas.blobs[longer.digest] = Array("short".utf8)
        #expect(refusal(cas.put(Directory(files: [longer])))?.message.contains("does not match") == true)
    }

    @Test func aDirectoryThatDoesNotMatchItsDigestIsRefused() {
        let child = Directory(files: [cas.file("a", "1")])
        let node = cas.folder("sub", child)
        cas.blobs[node.digest] = Directory(files: [cas.file("b", "2")]).encoded()
        #expect(refusal(cas.put(Directory(directories: [node])))?.message.contains("do not match") == true)
    }

    @Test func aDigestThatIsNotOneIsRefused() {
        let bad = FileNode(name: "a", digest: Digest(hash: "../../etc/passwd", sizeBytes: 1), isExecutable: false)
        #expect(refusal(cas.put(Directory(files: [bad])))?.message.contains("not a SHA-256") == true)
        var negative = cas.file("b", "x")
        negative.digest.sizeBytes = -1
        #expect(refusal(cas.put(Directory(files: [negative])))?.message.contains("not a SHA-256") == true)
    }

    @Test func aMissingBlobIsAFailedPrecondition() {
        let absent = FileNode(name: "a", digest: Digest(hash: String(repeating: "ab", count: 32), sizeBytes: 4), isExecutable: false)
        #expect(refusal(cas.put(Directory(files: [absent])))?.code == Int32(GrpcStatusCode.failedPrecondition.rawValue))
    }

    @Test func treesPastTheLimitsAreRefused() {
        var few = InputRootLimits()
        few.maximumEntries = 2
        #expect(refusal(cas.put(Directory(files: [cas.file("a", "1"), cas.file("b", "2"), cas.file("c", "3")])), limits: few)?
            .message.contains("entries") == true)

        var shallow = InputRootLimits()
        shallow.maximumDepth = 2
        var tree = Directory()
        for level in 0..<4 { tree = Directory(directories: [cas.folder("d\(level)", tree)]) }
        #expect(refusal(cas.put(tree), limits: shallow)?.message.contains("deeper") == true)

        var small = InputRootLimits()
        small.maximumTotalBytes = 10
        #expect(refusal(cas.put(Directory(files: [cas.file("a", "123456"), cas.file("b", "123456")])), limits: small)?
            .message.contains("larger") == true)
    }

    @Test func smallFilesAndFoldersOfALevelAreReadTogetherAndLargeOnesStreamed() throws {
        var modules: [DirectoryNode] = []
        for module in 0..<20 {
            modules.append(cas.folder("m\(module)", Directory(files: (0..<10).map { cas.file("f\($0).txt", "module \(module) file \($0)") })))
        }
        let large = String(repeating: "x", count: Int(InputRoot.smallFileBytes) + 1)
        let root = cas.put(Directory(files: [cas.file("large.bin", large), cas.file("empty", "")], directories: modules))
        cas.calls = 0
        _ = try materialise(root)
        // The root, then the 20 folders, then their 200 files: three calls, not 221.
        #expect(cas.calls == 3)
        #expect(scratch.text("lease/root/m19/f9.txt") == "module 19 file 9")
        #expect(scratch.text("lease/root/large.bin")?.count == large.count)
        #expect(scratch.text("lease/root/empty") == "")
    }
}
