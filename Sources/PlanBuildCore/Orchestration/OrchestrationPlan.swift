/// One build of a run: a module's canonical command and what it waits for.
public struct PlannedBuild: Equatable, Sendable {
    public let module: String
    public let command: String
    public let commandLine: String
    /// Modules of this run that must have succeeded before this build starts.
    public let dependencies: [String]
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
                guard let module = architecture.module(named: name) else {
                    throw PlanBuildError(.unknownModule, "Module '\(name)' not found. Available modules: \(architecture.modules.map(\.name).joined(separator: ", "))")
                }
                guard module.commandLine(for: command) != nil else {
                    throw PlanBuildError(.noBuilds, "Module '\(name)' has no command '\(command)'. Its commands: \(module.commands.map(\.name).joined(separator: ", "))")
                }
                if !selected.contains(where: { $0.name == name }) { selected.append(module) }
            }
        } else {
            selected = architecture.modules.filter { $0.commandLine(for: command) != nil }
            // The root of a multi-module project aggregates the others: running it beside them
            // would build every module twice, concurrently, in the same output folders. It runs
            // only when named, or when it is the only module with the command.
            if selected.count > 1, let root = architecture.rootModule, root.path == "." || root.path.isEmpty {
                selected.removeAll { $0.name == root.name }
            }
        }
        guard !selected.isEmpty else {
            throw PlanBuildError(.noBuilds, "No module has the command '\(command)'")
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

    init(builds: [PlannedBuild]) { self.builds = builds }

    /// A cycle as a path that returns to its start, or nil (depth-first search with colours).
    func findCycle() -> [String]? {
        let dependencies = Dictionary(builds.map { ($0.module, $0.dependencies) }, uniquingKeysWith: { first, _ in first })
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
        for build in builds {
            if let cycle = visit(build.module) { return cycle }
        }
        return nil
    }
}
