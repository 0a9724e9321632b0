import PlanBuildSupport

/// What a build adopts from the client that asked for it, as the Gradle daemon adopts its
/// client's: the environment variables, the working directory and the umask — never the server's.
public struct ClientContext: Sendable, Equatable {
    /// Absolute; relative paths of the request are taken from here.
    public let workingDirectory: String
    /// `NAME=value` entries, as the client's process has them.
    public let environment: [String]
    /// 0 to 0o777.
    public let fileMask: Int

    /// The largest environment a client may send (all entries together).
    static let maximumEnvironmentBytes = 1 << 20
    static let maximumEnvironmentEntries = 10_000

    public init(workingDirectory: String, environment: [String], fileMask: Int) {
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.fileMask = fileMask
    }

    /// This process's context: what a client sends.
    public static func current() -> ClientContext {
        let mask = umask(0o022)
        umask(mask)
        return ClientContext(workingDirectory: FileSystem.currentDirectory(), environment: ProcessEnvironment.current(),
                             fileMask: Int(mask))
    }

    var json: JSONValue {
        .object(JSONObject([("cwd", .string(workingDirectory)), ("environment", .array(environment.map(JSONValue.string))),
                            ("umask", .int(fileMask))]))
    }

    init(json object: JSONObject) throws(ProtocolError) {
        let members = Members(object: object)
        let directory = try members.string("cwd", maximumBytes: 4096)
        guard directory.hasPrefix("/") else { throw ProtocolError(.invalidMessage, "\"context.cwd\" must be an absolute path") }
        guard let list = try members.optionalArray("environment") else {
            throw ProtocolError(.invalidMessage, "\"context.environment\" is required (an array of NAME=value strings)")
        }
        guard list.count <= Self.maximumEnvironmentEntries else {
            throw ProtocolError(.invalidMessage, "\"context.environment\" has more than \(Self.maximumEnvironmentEntries) entries")
        }
        var entries: [String] = []
        var bytes = 0
        for element in list {
            guard let entry = element.stringValue, let equals = entry.utf8.firstIndex(of: 0x3d), equals != entry.utf8.startIndex,
                  !entry.utf8.contains(0) else {
                throw ProtocolError(.invalidMessage, "\"context.environment\" must hold NAME=value strings")
            }
            bytes += entry.utf8.count
            guard bytes <= Self.maximumEnvironmentBytes else {
                throw ProtocolError(.invalidMessage, "\"context.environment\" is larger than \(Self.maximumEnvironmentBytes) bytes")
            }
            entries.append(entry)
        }
        self.init(workingDirectory: directory, environment: entries, fileMask: try members.int("umask", range: 0...0o777))
    }

    /// The request members that name files, each taken from the client's working directory when
    /// relative (the server runs in `/`); `project_dir` defaults to that directory itself.
    static let pathMembers = ["project_dir", "project_dir_option", "plan_base_dir", "events", "trace", "junit", "sarif"]

    /// `request` with its paths made absolute; a non-string path member is left for the request's
    /// own checks to refuse.
    public func absolutized(_ request: JSONObject) -> JSONObject {
        var copy = request
        if copy["project_dir"] == nil || copy["project_dir"] == .null { copy["project_dir"] = .string(workingDirectory) }
        for key in Self.pathMembers {
            guard let path = copy[key]?.stringValue, !path.isEmpty, !path.hasPrefix("/") else { continue }
            // "-" is the caller's standard error, which only the client can write.
            if key == "events" && path == "-" { continue }
            copy[key] = .string(FileSystem.join(workingDirectory, path))
        }
        return copy
    }
}
