import PlanBuildSupport

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
        public let raw: JSONValue

        /// Canonical command name → complete command line, in file order. Read from `raw` when
        /// asked, not kept beside it: a large project's modules have tens of thousands.
        public var commands: [(name: String, commandLine: String)] {
            (raw["commands"]?.objectValue ?? JSONObject()).compactMap { name, command in
                Self.commandLine(of: command).map { (name, $0) }
            }
        }

        public func commandLine(for canonical: String) -> String? {
            raw["commands"]?[canonical].flatMap(Self.commandLine(of:))
        }

        /// A command is the complete command line, or an object carrying it as `executable`.
        private static func commandLine(of command: JSONValue) -> String? {
            command.stringValue ?? command["executable"]?.stringValue
        }

        public static func == (lhs: Module, rhs: Module) -> Bool { lhs.raw == rhs.raw && lhs.name == rhs.name }
    }

    public let modules: [Module]
    public let raw: JSONObject

    /// The module whose `paths.module` is `.` or empty, else the first one.
    public var rootModule: Module? {
        modules.first(where: { $0.path == "." || $0.path.isEmpty || $0.path == "./" }) ?? modules.first
    }

    /// The first module of that name (a plan names thousands of modules of a large project).
    public func module(named name: String) -> Module? { positionByName[name].map { modules[$0] } }

    private let positionByName: [String: Int]

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
            // The file's bytes are given back while they are parsed (a derived-data.json of a
            // large project is tens of megabytes, its parsed value about twice that).
            return try JSONParser.parse(releasing: consume bytes)
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
        modules.reserveCapacity(moduleMap.count)
        for (key, value) in moduleMap {
            guard let module = value.objectValue else {
                throw PlanBuildError(.architectureInvalid, "\(path): module \"\(key)\" is not an object")
            }
            let paths = module["paths"]?.objectValue
            modules.append(Module(
                name: module["name"]?.stringValue ?? key,
                path: paths?["module"]?.stringValue ?? "",
                buildSystems: module["build_systems"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                dependencies: [],
                declaredDependencies: Self.declaredDependencies(value),
                raw: value
            ))
        }
        let dependencyIndex = DependencyReference.Index(moduleMap.entries.enumerated().map { index, entry in
            DependencyReference.Target(name: modules[index].name, module: entry.value)
        })
        for index in modules.indices {
            var resolved: [String] = []
            for declared in modules[index].declaredDependencies {
                if let target = dependencyIndex.resolve(declared),
                   target != modules[index].name, !resolved.contains(target) {
                    resolved.append(target)
                }
            }
            modules[index].dependencies = resolved
        }
        self.dependencyIndex = dependencyIndex
        var positionByName = [String: Int](minimumCapacity: modules.count)
        for (position, module) in modules.enumerated() where positionByName[module.name] == nil {
            positionByName[module.name] = position
        }
        self.positionByName = positionByName
        self.modules = modules
        self.raw = object
    }

    private let dependencyIndex: DependencyReference.Index

    /// The module a `dependencies` entry names, or nil when it is external.
    public func resolveDependency(_ declared: String) -> String? {
        dependencyIndex.resolve(declared)
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
