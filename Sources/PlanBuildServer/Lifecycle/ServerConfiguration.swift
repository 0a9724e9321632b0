import PlanBuildSupport

/// The user's settings for the build server, from `$XDG_CONFIG_HOME/planbuild/config.json`
/// (else `~/.config/planbuild/config.json`): `{"server": {"max_slots": 4}}`. `max_slots` is the
/// machine-wide number of builds at once: default the number of cores, at least 1, at most 1024.
public struct ServerConfiguration: Sendable, Equatable {
    public var maximumSlots: Int
    /// Why the file was not used, when it exists and could not be (for the server's log).
    public var problem: String?

    static let slotRange = 1...1024

    public init(maximumSlots: Int, problem: String? = nil) {
        self.maximumSlots = min(max(maximumSlots, Self.slotRange.lowerBound), Self.slotRange.upperBound)
        self.problem = problem
    }

    public static func path(_ lookup: (String) -> String? = FileSystem.environment) -> String {
        if let configured = lookup("XDG_CONFIG_HOME"), configured.hasPrefix("/") {
            return FileSystem.join(configured, "planbuild/config.json")
        }
        return FileSystem.join(RuntimeDirectory.homeDirectory(lookup), ".config/planbuild/config.json")
    }

    public static func load(_ lookup: (String) -> String? = FileSystem.environment) -> ServerConfiguration {
        let standard = ServerConfiguration(maximumSlots: SystemInfo.processorCount)
        let file = path(lookup)
        guard FileSystem.exists(file) else { return standard }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: try FileSystem.readFile(file, limit: 1 << 20))
        } catch {
            return ServerConfiguration(maximumSlots: standard.maximumSlots, problem: "\(file) is not used: \(error)")
        }
        guard let value = document["server"]?["max_slots"], !value.isNull else { return standard }
        guard let slots = value.intValue, slotRange.contains(slots) else {
            return ServerConfiguration(maximumSlots: standard.maximumSlots,
                                       problem: "\(file): server.max_slots must be a whole number from 1 to 1024; using \(standard.maximumSlots)")
        }
        return ServerConfiguration(maximumSlots: slots)
    }
}
