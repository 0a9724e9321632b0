/// The modules of a project as `.plan/project-architecture/derived-data.json` describes them.
public struct ProjectArchitecture: Sendable {
    public struct Module: Sendable, Equatable {
        public let name: String
        public let path: String
        public let buildSystems: [String]
        public let dependencies: [String]
        /// Canonical command name → complete command line, in file order.
        public let commands: [(name: String, commandLine: String)]
        public let raw: JSONValue

        public func commandLine(for canonical: String) -> String? {
            commands.first(where: { $0.name == canonical })?.commandLine
        }

        public static func == (lhs: Module, rhs: Module) -> Bool { lhs.raw == rhs.raw && lhs.name == rhs.name }
    }

    public let modules: [Module]
    public let raw: JSONObject

    /// The module whose `paths.module` is `.` or empty, else the first one.
    public var rootModule: Module? {
        modules.first(where: { $0.path == "." || $0.path.isEmpty || $0.path == "./" }) ?? modules.first
    }

    public func module(named name: String) -> Module? { modules.first(where: { $0.name == name }) }

    public static func load(_ layout: ProjectLayout) throws(PlanBuildError) -> ProjectArchitecture {
        let path = layout.derivedDataPath
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error.kind == .notFound {
                throw PlanBuildError(.architectureMissing,
                                   "\(path) not found: run the architecture discovery first (analyze-project-architecture) to create it")
            }
            throw PlanBuildError(.architectureInvalid, "cannot read \(path): \(error.reason)")
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: bytes)
        } catch {
            throw PlanBuildError(.architectureInvalid, "\(path) is not valid JSON: \(error)")
        }
        return try ProjectArchitecture(document: document, path: path)
    }

    public init(document: JSONValue, path: String = "derived-data.json") throws(PlanBuildError) {
        guard let object = document.objectValue else {
            throw PlanBuildError(.architectureInvalid, "\(path): the top level must be a JSON object")
        }
        guard let moduleMap = object["modules"]?.objectValue else {
            throw PlanBuildError(.architectureInvalid, "\(path): no \"modules\" object")
        }
        var modules: [Module] = []
        for (key, value) in moduleMap {
            guard let module = value.objectValue else {
                throw PlanBuildError(.architectureInvalid, "\(path): module \"\(key)\" is not an object")
            }
            var commands: [(String, String)] = []
            for (name, command) in module["commands"]?.objectValue ?? JSONObject() {
                // A command is the complete command line, or an object carrying it as `executable`.
                if let line = command.stringValue ?? command["executable"]?.stringValue {
                    commands.append((name, line))
                }
            }
            let paths = module["paths"]?.objectValue
            modules.append(Module(
                name: module["name"]?.stringValue ?? key,
                path: paths?["module"]?.stringValue ?? "",
                buildSystems: module["build_systems"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                dependencies: Self.internalDependencies(module["dependencies"]),
                commands: commands,
                raw: value
            ))
        }
        self.modules = modules
        self.raw = object
    }

    /// Dependencies are listed by module name, either as strings or as objects with a `name`.
    private static func internalDependencies(_ value: JSONValue?) -> [String] {
        guard let list = value?.arrayValue else { return [] }
        return list.compactMap { $0.stringValue ?? $0["name"]?.stringValue }
    }
}
