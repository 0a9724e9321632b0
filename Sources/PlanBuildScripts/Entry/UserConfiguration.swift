import PlanBuildSupport

/// The per-user configuration file, `$XDG_CONFIG_HOME/planbuild/config.json`, else
/// `~/.config/planbuild/config.json`. It holds what belongs to a person's machine rather than to a
/// project: `server.max_slots`, how many builds the build server runs at once (`run_config
/// build-queue-limit`). Other members are kept as written.
public struct UserConfiguration: Sendable {
    public let file: LockedJSONFile

    /// The largest number of build slots accepted: more than a machine could ever run at once.
    public static let maximumSlots = 1024

    public init(path: String) { file = LockedJSONFile(path: path) }

    /// The file for an environment (`XDG_CONFIG_HOME`, `HOME`); nil when neither is set.
    public static func path(environment: (String) -> String?) -> String? {
        if let base = environment("XDG_CONFIG_HOME"), base.hasPrefix("/") {
            return FileSystem.join(base, "planbuild/config.json")
        }
        guard let home = environment("HOME"), !home.isEmpty else { return nil }
        return FileSystem.join(home, ".config/planbuild/config.json")
    }

    /// `server.max_slots` when set to a number in range; nil otherwise.
    public func maxSlots() throws(PlanBuildError) -> Int? {
        guard let value = try file.read()?["server"]?["max_slots"]?.intValue, (1...Self.maximumSlots).contains(value) else { return nil }
        return value
    }

    public func setMaxSlots(_ slots: Int) throws(PlanBuildError) {
        guard (1...Self.maximumSlots).contains(slots) else {
            throw PlanBuildError(.invalidValue, "max_slots must be from 1 to \(Self.maximumSlots), not \(slots)")
        }
        try FileSystem.makeDirectoriesOrFail(FileSystem.directoryName(file.path))
        try file.modify { document throws(PlanBuildError) in
            var server = JSONObject()
            if let existing = document["server"], !existing.isNull {
                guard let object = existing.objectValue else {
                    throw PlanBuildError(.configurationInvalid, "\(file.path): \"server\" must be an object: fix it (PlanBuild does not overwrite it)")
                }
                server = object
            }
            server["max_slots"] = .int(slots)
            document["server"] = .object(server)
            return true
        }
    }
}

extension FileSystem {
    /// makeDirectories with the failure as a PlanBuildError.
    static func makeDirectoriesOrFail(_ path: String) throws(PlanBuildError) {
        do {
            try makeDirectories(path)
        } catch {
            throw PlanBuildError(.configurationInvalid, "cannot create \(path): \(error.reason)")
        }
    }
}
