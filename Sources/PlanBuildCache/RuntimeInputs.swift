import PlanBuildSupport

/// `incremental.runtime_inputs` (e.g. `["java -version", "node --version"]`): commands whose output
/// joins every input digest, so machines with different toolchains do not share results through a
/// remote cache unless the user wants them to. Each runs once per orchestration (in the project,
/// through `sh -c`, stdout and stderr together, at most 60 s), and becomes an entry of the
/// project-wide manifest named `/runtime/COMMAND` — a name no project file can have, since file
/// paths there are relative — so a changed output is reported as `global_input_changed` with
/// that name among the modified inputs.
enum RuntimeInputs {
    static let prefix = "/runtime/"

    /// `environment`: the one the commands see (the build server's client's); nil: this process's.
    static func entries(_ commands: [String], projectDirectory: String, hasher: ContentHasher,
                        environment: [String]? = nil) -> [InputManifest.Entry] {
        var seen: Set<String> = []
        var entries: [InputManifest.Entry] = []
        for command in commands where seen.insert(command).inserted {
            let output = run(command, in: projectDirectory, environment: environment)
            entries.append(InputManifest.Entry(path: prefix + command,
                                               identity: FileIdentity(size: Int64(output.utf8.count), modifiedNanoseconds: 0,
                                                                      inode: 0, changedNanoseconds: 0),
                                               hash: hasher.hexDigest(of: output)))
        }
        return entries
    }

    /// The command's output and exit status as one text; a command that cannot run says so there.
    static func run(_ command: String, in directory: String, environment: [String]? = nil) -> String {
        // The shell's own standard error goes to the pipe too: a process that outlives this one (the
        // CLI ends at its stop deadline while a command still runs) must not hold the caller's.
        let variables = environment.map { "env -i " + $0.map(quoted).joined(separator: " ") + " " } ?? ""
        let line = "exec 2>&1 </dev/null; cd \(quoted(directory)) && exec \(variables)timeout 60 sh -c \(quoted(command))"
        guard let stream = popen(line, "r") else { return "cannot run: \(SystemCall.reason(errno))" }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, stream)
            if count <= 0 { break }
            if bytes.count < 1 << 20 { bytes.append(contentsOf: chunk[0..<count]) }
        }
        let status = pclose(stream)
        return String(decoding: bytes, as: UTF8.self) + "\nexit \(status)\n"
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
