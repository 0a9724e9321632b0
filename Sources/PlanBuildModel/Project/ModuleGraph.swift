import PlanBuildSupport

/// Which `dependencies` entries of derived-data.json name another module of the project.
///
/// The discovery tools write dependencies in each ecosystem's own form, so a bare module name is
/// only one of four shapes:
/// - Maven `groupId:artifactId:scope` — the module whose `metadata.group_id` and
///   `metadata.artifact_id` match (one with only an `artifact_id`, or named like the artifactId,
///   matches on the artifactId);
/// - Gradle `project:NAME:scope` — the module named NAME (a leading `:` ignored);
/// - npm `name:scope` (`@scope/name:dev` too) — the module whose `metadata.package_name` or name is
///   `name`;
/// - anything else is external (a library from a registry) and ignored.
public enum DependencyReference {
    /// The identity of one module that a reference can match.
    public struct Target: Sendable {
        public let name: String
        public let groupId: String?
        public let artifactId: String?
        public let packageName: String?

        public init(name: String, groupId: String?, artifactId: String?, packageName: String?) {
            self.name = name
            self.groupId = groupId
            self.artifactId = artifactId
            self.packageName = packageName
        }

        init(name: String, module: JSONValue) {
            let metadata = module["metadata"]
            self.init(name: name, groupId: metadata?["group_id"]?.stringValue,
                      artifactId: metadata?["artifact_id"]?.stringValue,
                      packageName: metadata?["package_name"]?.stringValue ?? module["package_name"]?.stringValue)
        }
    }

    /// The name of the module `declared` refers to, or nil when it is external.
    public static func resolve(_ declared: String, among targets: [Target]) -> String? {
        Index(targets).resolve(declared)
    }

    /// The targets of a project by everything a reference can name them by, so that resolving
    /// the references of thousands of modules searches no list. Each answer is the first target,
    /// in the project's order, that the reference matches.
    public struct Index: Sendable {
        private struct Coordinates: Hashable, Sendable {
            let groupId: String
            let artifactId: String
        }

        private let names: [String]
        private var byName: [String: Int] = [:]
        private var byPackageName: [String: Int] = [:]
        private var byCoordinates: [Coordinates: Int] = [:]
        /// Maven's second chance: a module with an `artifact_id` but no `group_id`, or with
        /// neither, by the artifactId it stands for.
        private var byArtifactWithoutGroup: [String: Int] = [:]
        private var byNameWithoutArtifact: [String: Int] = [:]

        public init(_ targets: [Target]) {
            names = targets.map(\.name)
            for (position, target) in targets.enumerated() {
                Self.keepFirst(target.name, position, in: &byName)
                if let packageName = target.packageName { Self.keepFirst(packageName, position, in: &byPackageName) }
                switch (target.groupId, target.artifactId) {
                case let (groupId?, artifactId?):
                    let coordinates = Coordinates(groupId: groupId, artifactId: artifactId)
                    if byCoordinates[coordinates] == nil { byCoordinates[coordinates] = position }
                case let (nil, artifactId?): Self.keepFirst(artifactId, position, in: &byArtifactWithoutGroup)
                case (_, nil): Self.keepFirst(target.name, position, in: &byNameWithoutArtifact)
                }
            }
        }

        private static func keepFirst(_ key: String, _ position: Int, in map: inout [String: Int]) {
            if map[key] == nil { map[key] = position }
        }

        /// The name of the module `declared` refers to, or nil when it is external.
        public func resolve(_ declared: String) -> String? {
            if let exact = byName[declared] { return names[exact] }
            let parts = declared.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { return nil }
            if parts[0] == "project" { return gradle(Array(parts.dropFirst())) }
            if parts.count == 2 { return npm(parts[0]) }
            return maven(groupId: parts[0], artifactId: parts[1])
        }

        /// `project:NAME:scope`, `project::NAME:scope`, `project::group:NAME:scope`, `project:NAME`.
        private func gradle(_ rest: [String]) -> String? {
            var candidates = [rest.joined(separator: ":")]
            if rest.count > 1 { candidates.append(rest.dropLast().joined(separator: ":")) }
            for candidate in candidates {
                let path = candidate.drop(while: { $0 == ":" })
                guard !path.isEmpty else { continue }
                if let match = byName[String(path)] { return names[match] }
                // A nested project path (`:libs:core`) names the module by its last segment.
                if let last = path.split(separator: ":").last, let match = byName[String(last)] { return names[match] }
            }
            return nil
        }

        private func npm(_ name: String) -> String? {
            guard !name.isEmpty else { return nil }
            return (byPackageName[name] ?? byName[name]).map { names[$0] }
        }

        private func maven(groupId: String, artifactId: String) -> String? {
            if let exact = byCoordinates[Coordinates(groupId: groupId, artifactId: artifactId)] { return names[exact] }
            let first = [byArtifactWithoutGroup[artifactId], byNameWithoutArtifact[artifactId]].compactMap { $0 }.min()
            return first.map { names[$0] }
        }
    }
}

/// The internal dependency graph of a project: what `planbuild graph` prints and what
/// orchestration orders builds by.
public struct ModuleGraph: Sendable {
    public struct Edge: Sendable, Equatable {
        /// The module that depends …
        public let from: String
        /// … on this module …
        public let to: String
        /// … as derived-data.json says it.
        public let declared: String
    }

    public struct External: Sendable, Equatable {
        public let module: String
        public let declared: String
    }

    public let modules: [String]
    public let edges: [Edge]
    /// Entries that name no module of the project (libraries), kept so a user sees what was ignored.
    public let external: [External]

    public init(_ architecture: ProjectArchitecture) {
        modules = architecture.modules.map(\.name)
        var edges: [Edge] = []
        var external: [External] = []
        for module in architecture.modules {
            for declared in module.declaredDependencies {
                if let target = architecture.resolveDependency(declared), target != module.name {
                    edges.append(Edge(from: module.name, to: target, declared: declared))
                } else {
                    external.append(External(module: module.name, declared: declared))
                }
            }
        }
        self.edges = edges
        self.external = external
    }

    /// A cycle among the modules as a path returning to its start, or nil.
    public var cycle: [String]? {
        var dependencies: [String: [String]] = [:]
        for edge in edges { dependencies[edge.from, default: []].append(edge.to) }
        return Self.findCycle(order: modules, dependencies: dependencies)
    }

    /// Depth-first search with colours over `dependencies`, visiting roots in `order`.
    static func findCycle(order: [String], dependencies: [String: [String]]) -> [String]? {
        var state: [String: Int] = [:] // 1 visiting, 2 done
        var path: [String] = []
        func visit(_ module: String) -> [String]? {
            if state[module] == 2 { return nil }
            if state[module] == 1 {
                let start = path.firstIndex(of: module) ?? 0
                return Array(path[start...]) + [module]
            }
            state[module] = 1
            path.append(module)
            for dependency in dependencies[module] ?? [] {
                if let cycle = visit(dependency) { return cycle }
            }
            path.removeLast()
            state[module] = 2
            return nil
        }
        for module in order {
            if let cycle = visit(module) { return cycle }
        }
        return nil
    }
}
