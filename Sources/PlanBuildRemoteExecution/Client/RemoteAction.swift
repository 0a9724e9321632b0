import PlanBuildSupport
import PlanBuildModel
import PlanBuildExecution
import PlanBuildCache

/// One module build as a REAPI Action: the Command (the resolved command line as words, the
/// variables the build sets, the folders of its declared outputs, its platform), the input root
/// (ActionInputs as a Merkle tree) and the build's timeout. Everything an action names is a blob
/// of the CAS: `blobs` holds the messages (Command, Action, every Directory), `files` the input
/// files by digest.
package struct RemoteAction: Sendable {
    package let action: Action
    package let command: Command
    package let actionDigest: Digest
    package let inputRoot: ActionInputTree
    /// The encoded Action, Command and Directory messages, by digest.
    package let blobs: [Digest: [UInt8]]
    /// Each input file's absolute path, by its digest.
    package let files: [Digest: String]
    /// The build's working folder relative to the project ("" the project itself): output paths
    /// are relative to it.
    package let workingDirectory: String

    package struct Problem: Error, CustomStringConvertible {
        package let description: String
    }

    /// `tools`: what a worker must have (`jdk`, `maven`); `OSFamily` is this machine's.
    package init(launch: ProcessLaunch, inputs: ActionInputs, projectDirectory: String, tools: [String],
                 hasher: ContentHasher) throws(Problem) {
        let project = FileSystem.absolute(projectDirectory)
        guard let working = Self.relative(launch.workingDirectory, to: project) else {
            throw Problem(description: "the working folder \(launch.workingDirectory) is not inside the project")
        }
        let root: ActionInputTree
        var paths: [Digest: String] = [:]
        do {
            var files: [ActionInputTree.File] = []
            for input in inputs.files {
                let absolute = FileSystem.join(project, input.path)
                var info = stat()
                // Gone since the scan, or not a regular file (a link to a folder): not sent.
                guard stat(absolute, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                let size = Int64(info.st_size)
                var hash = input.sha256
                if hash == nil || input.size != size { hash = try? hasher.hexDigest(ofFile: absolute) }
                guard let hash else { continue }
                let digest = Digest(hash: hash, sizeBytes: size)
                files.append(ActionInputTree.File(path: input.path, digest: digest, isExecutable: info.st_mode & S_IXUSR != 0))
                paths[digest] = absolute
            }
            root = try ActionInputTree(files: files, hasher: hasher)
        } catch {
            throw Problem(description: error.description)
        }
        // One `tools` property per tool (sorted by name, then value, as REAPI asks): a scheduler
        // matches each against a worker's, so a worker with more tools still takes the action.
        let platform = Platform(properties: [Platform.Property(name: "OSFamily", value: Self.osFamily)]
                                + Set(tools).sorted().map { Platform.Property(name: "tools", value: $0) })
        // The outputs' folders as seen from the working folder; one outside it cannot be named.
        var outputs: [String] = []
        for pattern in inputs.outputs.patterns where pattern.restorable {
            guard let folder = Self.relative(FileSystem.join(project, pattern.folder), to: FileSystem.join(project, working)) else { continue }
            if !folder.isEmpty && !outputs.contains(folder) { outputs.append(folder) }
        }
        outputs.sort()
        var command = Command()
        command.arguments = launch.arguments.enumerated().map { index, word in
            // The wrapper PlanBuild resolved is an absolute path of this machine: relative to the
            // working folder it names the same file of the input root.
            guard word.hasPrefix(project + "/"), let relative = Self.relative(word, to: FileSystem.join(project, working)) else { return word }
            return index == 0 && !relative.contains("/") ? "./" + relative : relative
        }
        command.environmentVariables = launch.overrides.sorted { $0.name < $1.name }
            .map { Command.EnvironmentVariable(name: $0.name, value: $0.value) }
        command.outputPaths = outputs
        command.outputDirectories = outputs
        command.platform = platform
        command.workingDirectory = working
        let commandBytes = command.encoded()
        let commandDigest = Self.digest(commandBytes, hasher)
        var action = Action()
        action.commandDigest = commandDigest
        action.inputRootDigest = root.digest
        action.timeout = ProtoDuration(seconds: Int64(max(1, (launch.timeoutMilliseconds + 999) / 1000)), nanos: 0)
        action.platform = platform
        let actionBytes = action.encoded()
        var blobs = root.directories
        blobs[commandDigest] = commandBytes
        let actionDigest = Self.digest(actionBytes, hasher)
        blobs[actionDigest] = actionBytes
        self.action = action
        self.command = command
        self.actionDigest = actionDigest
        self.inputRoot = root
        self.blobs = blobs
        self.files = paths
        self.workingDirectory = working
    }

    static func digest(_ bytes: [UInt8], _ hasher: ContentHasher) -> Digest {
        Digest(hash: hasher.hexDigest(ofBytes: bytes), sizeBytes: Int64(bytes.count))
    }

    /// What a worker must have for builds of these systems (the `tools` property).
    package static func tools(for systems: [BuildSystem]) -> [String] {
        var tools: Set<String> = []
        for system in systems {
            switch system {
            case .maven: tools.formUnion(["maven", "jdk"])
            case .gradle: tools.formUnion(["gradle", "jdk"])
            case .npm: tools.formUnion(["node", "npm"])
            case .python: tools.insert("python")
            }
        }
        return tools.sorted()
    }

    static var osFamily: String {
        #if os(Linux)
        return "Linux"
        #else
        return "Darwin"
        #endif
    }

    /// `path` relative to `base` (both absolute, no `..`): "" for `base` itself, nil outside it.
    static func relative(_ path: String, to base: String) -> String? {
        let path = FileSystem.absolute(path), base = FileSystem.absolute(base)
        if path == base { return "" }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }
}
