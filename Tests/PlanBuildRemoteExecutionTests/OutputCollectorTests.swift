import Testing
import PlanBuildSupport
@testable import PlanBuildRemoteExecution

/// What an action leaves in its working directory goes back as REAPI outputs: a file as an
/// OutputFile, a folder as a Tree (links kept as links), and a declared path that would lead
/// elsewhere is left out.
@Suite struct OutputCollectorTests {
    let cas = MemoryCAS()
    let scratch = ScratchFolder()

    func write(_ relative: String, _ text: String, mode: mode_t = 0o644) {
        _ = scratch.make(FileSystem.directoryName(relative))
        try! FileSystem.writeAtomically(Array(text.utf8), to: FileSystem.join(scratch.path, relative))
        chmod(FileSystem.join(scratch.path, relative), mode)
    }

    func collect(_ paths: [String]) -> CollectedOutputs {
        OutputCollector(digests: cas.digests).collect(paths, in: scratch.handle("work"))
    }

    @Test func aFileAndAFolderBecomeAnOutputFileAndATree() throws {
        write("work/app.jar", "jar bytes")
        write("work/target/classes/Main.class", "class bytes")
        write("work/target/run.sh", "#!/bin/sh\n", mode: 0o755)
        symlink("classes/Main.class", FileSystem.join(scratch.path, "work/target/latest"))
        let collected = collect(["app.jar", "target", "missing.txt", "target"])

        #expect(collected.files == [OutputFile(path: "app.jar", digest: cas.digests.digest(of: Array("jar bytes".utf8)), isExecutable: false)])
        #expect(collected.directories.map(\.path) == ["target"])
        #expect(collected.notes.isEmpty)
        guard case .bytes(let treeBytes) = collected.blobs[collected.directories[0].treeDigest] else {
            Issue.record("the Tree is not among the blobs")
            return
        }
        let tree = try Tree(decoding: treeBytes)
        #expect(tree.root.files.map(\.name) == ["run.sh"])
        #expect(tree.root.files[0].isExecutable)
        #expect(tree.root.symlinks == [SymlinkNode(name: "latest", target: "classes/Main.class")])
        #expect(tree.root.directories.map(\.name) == ["classes"])
        #expect(tree.children.count == 1)
        #expect(cas.digests.digest(of: tree.children[0]).digest == tree.root.directories[0].digest)
        #expect(tree.children[0].files.map(\.name) == ["Main.class"])
        // The file blobs are named by their place in the working directory.
        guard case .file(let path) = collected.blobs[tree.children[0].files[0].digest] else {
            Issue.record("Main.class is not among the blobs")
            return
        }
        #expect(path == "target/classes/Main.class")
    }

    @Test func aPathThatLeavesTheWorkingDirectoryIsLeftOut() {
        write("secret.txt", "not an output")
        let collected = collect(["../secret.txt", "/etc/passwd", "a/../../secret.txt"])
        #expect(collected.files.isEmpty && collected.directories.isEmpty && collected.blobs.isEmpty)
        #expect(collected.notes.count == 3)
    }

    @Test func aPathThroughALinkIsLeftOut() {
        write("elsewhere/secret.txt", "not an output")
        _ = scratch.make("work")
        symlink(FileSystem.join(scratch.path, "elsewhere"), FileSystem.join(scratch.path, "work/out"))
        symlink(FileSystem.join(scratch.path, "elsewhere/secret.txt"), FileSystem.join(scratch.path, "work/file"))
        let collected = collect(["out/secret.txt", "out", "file"])
        #expect(collected.files.isEmpty && collected.directories.isEmpty && collected.blobs.isEmpty)
        #expect(collected.notes.count == 3)
    }

    @Test func theDeclaredPathsAreTheNewFieldElseTheOldOnes() {
        var command = Command()
        command.outputFiles = ["a.jar"]
        command.outputDirectories = ["target", "a.jar"]
        #expect(OutputCollector.declaredPaths(command) == ["a.jar", "target"])
        command.outputPaths = ["dist"]
        #expect(OutputCollector.declaredPaths(command) == ["dist"])
    }
}
