/// The modules of a project as `.plan/project-architecture/derived-data.json` describes them.
public struct ProjectArchitecture: Sendable {
    public struct Module: Sendable, Equatable {
        public let name: String
        public let path: String
        public let buildSystems: [String]
        /// The modules of this project it depends on (resolved from `declaredDependencies`).
        public internal(set) var dependencies: [String]
        /// `dependencies` and `internal_dependencies` entries as written (see `DependencyReference`).
        public let declaredDependencies: [String]
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

    /// derived-data.json; when it is absent, the per-module layout that today's plan-marshall
    /// release writes instead (`_project.json` + `{module}/derived.json`, see
    /// ProjectArchitecture+ModuleFiles.swift). Resolve, the queries and orchestration all load here.
    public static func load(_ layout: ProjectLayout) throws(PlanBuildError) -> ProjectArchitecture {
        let path = layout.derivedDataPath
        if !FileSystem.exists(path), FileSystem.exists(layout.projectMetaPath) {
            return try ProjectArchitecture(document: try moduleFilesDocument(layout), path: layout.projectMetaPath)
        }
        let document = try readJSON(path, missing: "\(path) not found: run the architecture discovery first (analyze-project-architecture) to create it")
        return try ProjectArchitecture(document: document, path: path)
    }

    /// One JSON file of the architecture; `missing` is the message when it does not exist.
    static func readJSON(_ path: String, missing: String) throws(PlanBuildError) -> JSONValue {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path)
        } catch {
            if error.kind == .notFound { throw PlanBuildError(.architectureMissing, missing) }
            throw PlanBuildError(.architectureInvalid, "cannot read \(path): \(error.reason)")
        }
        do {
            return try JSONParser.parse(bytes: bytes)
        } catch {
            throw PlanBuildError(.architectureInvalid, "\(path) is not valid JSON: \(error)")
        }
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
                dependencies: [],
                declaredDependencies: Self.declaredDependencies(value),
                commands: commands,
                raw: value
            ))
        }
        let targets = moduleMap.entries.enumerated().map { index, entry in
            DependencyReference.Target(name: modules[index].name, module: entry.value)
        }
        for index in modules.indices {
            var resolved: [String] = []
            for declared in modules[index].declaredDependencies {
                if let target = DependencyReference.resolve(declared, among: targets),
                   target != modules[index].name, !resolved.contains(target) {
                    resolved.append(target)
                }
            }
            modules[index].dependencies = resolved
        }
        self.targets = targets
        self.modules = modules
        self.raw = object
    }

    private let targets: [DependencyReference.Target]

    /// The module a `dependencies` entry names, or nil when it is external.
    public func resolveDependency(_ declared: String) -> String? {
        DependencyReference.resolve(declared, among: targets)
    }

    /// Entries are strings, or objects with a `name` (or Maven-style `group_id`/`artifact_id`).
    private static func declaredDependencies(_ module: JSONValue) -> [String] {
        var declared: [String] = []
        for key in ["dependencies", "internal_dependencies"] {
            for entry in module[key]?.arrayValue ?? [] {
                let text = entry.stringValue ?? entry["name"]?.stringValue ?? entry["coordinates"]?.stringValue
                    ?? entry["artifact_id"]?.stringValue.map { "\(entry["group_id"]?.stringValue ?? ""):\($0):\(entry["scope"]?.stringValue ?? "compile")" }
                if let text, !declared.contains(text) { declared.append(text) }
            }
        }
        return declared
    }
}
