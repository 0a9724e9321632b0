import PlanBuildSupport

/// One build of a run: a module's canonical command and what it waits for.
public struct PlannedBuild: Equatable, Sendable {
    public let module: String
    public let command: String
    public let commandLine: String
    /// Modules of this run that must have succeeded before this build starts.
    public let dependencies: [String]

    package init(module: String, command: String, commandLine: String, dependencies: [String]) {
        self.module = module
        self.command = command
        self.commandLine = commandLine
        self.dependencies = dependencies
    }
}

/// The builds of one orchestrated run, in a stable order (derived-data.json's module order).
public struct OrchestrationPlan: Equatable, Sendable {
    public let builds: [PlannedBuild]

    /// `modules` nil or empty: every module that has the command. Dependencies are kept only
    /// between modules of this run (internal ones); a cycle among them is an error.
    public static func make(command: String, modules requested: [String]?, architecture: ProjectArchitecture) throws(PlanBuildError) -> OrchestrationPlan {
        var selected: [ProjectArchitecture.Module] = []
        if let requested, !requested.isEmpty {
            for name in requested {
                let module = try architecture.requireModule(name)
                guard module.commandLine(for: command) != nil else {
                    throw UnknownName.command(command, known: module.commands.map(\.name), module: name, code: .noBuilds)
                }
                if !selected.contains(where: { $0.name == name }) { selected.append(module) }
            }
        } else {
            selected = architecture.modules.filter { $0.commandLine(for: command) != nil }
            // The aggregator runs only when named, or when it is the only module with the command.
            if selected.count > 1, let root = architecture.aggregatorModule {
                selected.removeAll { $0.name == root.name }
            }
        }
        guard !selected.isEmpty else {
            throw UnknownName.command(command, known: architecture.commandNames, code: .noBuilds)
        }
        let names = Set(selected.map(\.name))
        let builds = selected.map { module in
            PlannedBuild(module: module.name, command: command, commandLine: module.commandLine(for: command) ?? "",
                         dependencies: module.dependencies.filter { names.contains($0) && $0 != module.name })
        }
        let plan = OrchestrationPlan(builds: builds)
        if let cycle = plan.findCycle() {
            throw PlanBuildError(.dependencyCycle, "Dependency cycle: \(cycle.joined(separator: " -> "))")
        }
        return plan
    }

    package init(builds: [PlannedBuild]) { self.builds = builds }

    /// The builds of the modules in `modules` only, with the dependencies among them (an
    /// affected-only run, a round of watch mode); may be empty.
    public func keeping(_ modules: Set<String>) -> OrchestrationPlan {
        OrchestrationPlan(builds: builds.filter { modules.contains($0.module) }.map { build in
            PlannedBuild(module: build.module, command: build.command, commandLine: build.commandLine,
                         dependencies: build.dependencies.filter { modules.contains($0) })
        })
    }

    /// The builds' positions in an order where each comes after what it depends on, ties in the
    /// plan's order (acyclic: checked by make).
    public var dependencyOrder: [Int] {
        var placed: Set<String> = []
        var order: [Int] = []
        while order.count < builds.count {
            guard let next = builds.indices.first(where: { index in
                !placed.contains(builds[index].module) && builds[index].dependencies.allSatisfy { placed.contains($0) }
            }) else { break }
            placed.insert(builds[next].module)
            order.append(next)
        }
        return order
    }

    /// A cycle as a path that returns to its start, or nil.
    func findCycle() -> [String]? {
        let dependencies = Dictionary(builds.map { ($0.module, $0.dependencies) }, uniquingKeysWith: { first, _ in first })
        return ModuleGraph.findCycle(order: builds.map(\.module), dependencies: dependencies)
    }

    /// For each build, the longest chain of expected durations from its start to the end of the
    /// builds waiting on it (itself included): critical-path order starts the largest first, so a
    /// long chain is not starved by short leaves. A build without a learned duration counts as
    /// `unknown` milliseconds, so chains of unknown builds still rank by their length.
    package func remainingPathMilliseconds(expected: [Int?], unknown: Int = 1000) -> [Int] {
        var dependents: [[Int]] = builds.map { _ in [] }
        let indexOf = Dictionary(builds.enumerated().map { ($1.module, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, build) in builds.enumerated() {
            for dependency in build.dependencies {
                if let other = indexOf[dependency] { dependents[other].append(index) }
            }
        }
        var memo: [Int?] = builds.map { _ in nil }
        func path(_ index: Int) -> Int {
            if let known = memo[index] { return known }
            let own = max(1, expected.indices.contains(index) ? (expected[index] ?? unknown) : unknown)
            let longest = own + (dependents[index].map(path).max() ?? 0) // acyclic: checked by make
            memo[index] = longest
            return longest
        }
        return builds.indices.map(path)
    }
}
