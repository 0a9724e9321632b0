import Foundation
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildExecution
@testable import PlanBuildCache
@testable import PlanBuildRemoteExecution

/// A module build as a REAPI action's input root: the Merkle tree (sorted entries, executable
/// bits, digests that depend on content only) and what ActionInputs puts in it on a real project
/// (the module's inputs, the project-wide ones, every descriptor, the dependencies' artifacts).
@Suite struct ActionInputTreeTests {
    static let hasher = try! ContentHasher.shared()

    static func digest(_ text: String) -> Digest {
        Digest(hash: hasher.hexDigest(of: text), sizeBytes: Int64(text.utf8.count))
    }

    static func directory(_ root: ActionInputTree, _ digest: Digest) throws -> Directory {
        try Directory(decoding: try #require(root.directories[digest]))
    }

    @Test func foldersAndFilesAreSortedByTheirBytesAndNamedByTheirEncoding() throws {
        let root = try ActionInputTree(files: [
            ActionInputTree.File(path: "b.txt", digest: Self.digest("b")),
            ActionInputTree.File(path: "a/x", digest: Self.digest("x")),
            ActionInputTree.File(path: "Z", digest: Self.digest("z")),
            ActionInputTree.File(path: "a/B", digest: Self.digest("B")),
            ActionInputTree.File(path: "a/sub/deep.sh", digest: Self.digest("deep"), isExecutable: true),
        ], hasher: Self.hasher)
        let top = try Self.directory(root, root.digest)
        #expect(top.files.map(\.name) == ["Z", "b.txt"])
        #expect(top.directories.map(\.name) == ["a"])
        let a = try Self.directory(root, top.directories[0].digest)
        #expect(a.files.map(\.name) == ["B", "x"])
        #expect(a.files.allSatisfy { !$0.isExecutable })
        let sub = try Self.directory(root, try #require(a.directories.first).digest)
        #expect(sub.files == [FileNode(name: "deep.sh", digest: Self.digest("deep"), isExecutable: true)])
        // Every folder is named by the SHA-256 and size of its encoding.
        for (digest, bytes) in root.directories {
            #expect(digest == Digest(hash: Self.hasher.hexDigest(ofBytes: bytes), sizeBytes: Int64(bytes.count)))
        }
        #expect(root.directories.count == 3)
        #expect(root.files[Self.digest("x")] == "a/x")
    }

    @Test func theDigestDependsOnContentAndBitsNotOnOrder() throws {
        let files = [ActionInputTree.File(path: "a/x", digest: Self.digest("x")), ActionInputTree.File(path: "b", digest: Self.digest("b"))]
        let one = try ActionInputTree(files: files, hasher: Self.hasher)
        let other = try ActionInputTree(files: files.reversed(), hasher: Self.hasher)
        #expect(one.digest == other.digest)
        let changed = try ActionInputTree(files: [files[0], ActionInputTree.File(path: "b", digest: Self.digest("c"))], hasher: Self.hasher)
        #expect(changed.digest != one.digest)
        let executable = try ActionInputTree(files: [files[0], ActionInputTree.File(path: "b", digest: Self.digest("b"), isExecutable: true)],
                                       hasher: Self.hasher)
        #expect(executable.digest != one.digest)
    }

    @Test func pathsThatLeaveTheRootOrClashAreRefused() {
        for path in ["../x", "/etc/passwd", "a/../b", "a//b", "./a", ""] {
            #expect(throws: ActionInputTree.Problem.self) {
                try ActionInputTree(files: [ActionInputTree.File(path: path, digest: Self.digest("x"))], hasher: Self.hasher)
            }
        }
        #expect(throws: ActionInputTree.Problem.self) {
            try ActionInputTree(files: [ActionInputTree.File(path: "a", digest: Self.digest("x")),
                                  ActionInputTree.File(path: "a/b", digest: Self.digest("y"))], hasher: Self.hasher)
        }
    }

    /// core ← service on disk: service's action reads its own sources, the project-wide pom.xml,
    /// every module's descriptor and core's jar, and names service/target as its output folder.
    @Test func aModulesActionHoldsItsInputsTheDescriptorsAndItsDependenciesArtifacts() throws {
        let project = FileManager.default.temporaryDirectory.appendingPathComponent("pbinputroot-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: project) }
        func write(_ path: String, _ text: String, executable: Bool = false) throws {
            let url = URL(fileURLWithPath: project + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        }
        let modules = """
        {"modules": {
          "root": {"build_systems": ["maven"], "paths": {"module": ".", "descriptor": "pom.xml", "sources": []},
                   "commands": {"package": "mvn package -N"}},
          "core": {"build_systems": ["maven"], "paths": {"module": "core", "descriptor": "core/pom.xml", "sources": ["core/src"]},
                   "commands": {"package": "mvn package -pl core"}},
          "service": {"build_systems": ["maven"], "paths": {"module": "service", "descriptor": "service/pom.xml",
                      "sources": ["service/src"]}, "dependencies": ["core"], "commands": {"package": "mvn package -pl service"}}
        }}
        """
        try write(".plan/project-architecture/derived-data.json", modules)
        try write("pom.xml", "<project/>")
        try write("mvnw", "#!/bin/sh\n", executable: true)
        try write("core/pom.xml", "<project>core</project>")
        try write("core/src/Core.java", "class Core {}")
        try write("core/target/core-1.0.jar", "jar of core")
        try write("core/target/classes/Core.class", "not an artifact")
        try write("service/pom.xml", "<project>service</project>")
        try write("service/src/Service.java", "class Service {}")
        let layout = ProjectLayout(projectDir: project)
        let architecture = try ProjectArchitecture.load(layout)
        let plan = try OrchestrationPlan.make(command: "package", modules: ["service"], architecture: architecture)
        var request = IncrementalRun.Request(disabled: true)
        request.listInputs = true
        let run = try IncrementalRun(plan: plan, architecture: architecture, layout: layout, settings: .init(), request: request)
        let inputs = try #require(run.actionInputs(at: 0))
        #expect(inputs.module == "service")
        #expect(inputs.files.map(\.path) == ["core/pom.xml", "core/target/core-1.0.jar", "mvnw", "pom.xml", "service/pom.xml",
                                             "service/src/Service.java"])
        #expect(inputs.buildSystems == [.maven])

        let launch = ProcessLaunch(arguments: [project + "/mvnw", "package", "-pl", "service"], workingDirectory: project,
                                   environment: nil, overrides: [("MAVEN_OPTS", "-Xmx1g"), ("A", "1")], outputDescriptor: -1,
                                   timeoutMilliseconds: 90_500)
        let action = try RemoteAction(launch: launch, inputs: inputs, projectDirectory: project,
                                      tools: RemoteAction.tools(for: inputs.buildSystems), hasher: Self.hasher)
        #expect(action.command.arguments == ["./mvnw", "package", "-pl", "service"])
        #expect(action.command.environmentVariables.map(\.name) == ["A", "MAVEN_OPTS"])
        #expect(action.command.outputPaths == ["service/target"])
        #expect(action.command.outputDirectories == ["service/target"])
        #expect(action.command.workingDirectory == "")
        #expect(action.command.platform?.properties == [Platform.Property(name: "OSFamily", value: "Linux"),
                                                        Platform.Property(name: "tools", value: "jdk"),
                                                        Platform.Property(name: "tools", value: "maven")])
        #expect(action.action.timeout == ProtoDuration(seconds: 91))
        // The tree: the wrapper executable, the jar below core/target, sources and descriptors.
        let top = try Self.directory(action.inputRoot, action.action.inputRootDigest)
        #expect(top.files.map(\.name) == ["mvnw", "pom.xml"])
        #expect(top.files.first?.isExecutable == true && top.files.last?.isExecutable == false)
        #expect(top.directories.map(\.name) == ["core", "service"])
        let jar = Self.digest("jar of core")
        #expect(action.files[jar] == project + "/core/target/core-1.0.jar")
        // Every blob the action names is there to upload: the messages and each file.
        #expect(action.blobs[action.actionDigest] != nil && action.blobs[action.action.commandDigest] != nil)
        #expect(action.files.count == 6)
    }

    /// The cluster starts the longest remaining chain first, as a local run does: lower runs sooner.
    @Test func theCriticalPathBecomesTheServersPriority() {
        #expect(RemoteExecutionRun.priority(remainingPathMilliseconds: 90_500) == -90)
        #expect(RemoteExecutionRun.priority(remainingPathMilliseconds: 999) == 0)
        #expect(RemoteExecutionRun.priority(remainingPathMilliseconds: -5) == 0)
        #expect(RemoteExecutionRun.priority(remainingPathMilliseconds: Int.max) == -Int32.max)
    }
}
