import PlanBuildSupport

/// A canonical command resolved for one module: the complete command line to run.
public struct ResolvedCommand: Equatable, Sendable {
    public let module: String
    public let command: String
    public let executable: String
}

/// Resolve: `(command, module?)` → the module's complete command line.
public enum CommandResolver {
    public static func resolve(command: String, module: String?, in layout: ProjectLayout) throws(PlanBuildError) -> ResolvedCommand {
        try resolve(command: command, module: module, in: try ProjectArchitecture.load(layout))
    }

    public static func resolve(command: String, module requested: String?, in architecture: ProjectArchitecture) throws(PlanBuildError) -> ResolvedCommand {
        let module = try self.module(requested, in: architecture)
        guard let line = module.commandLine(for: command) else {
            throw UnknownName.command(command, known: module.commands.map(\.name), module: module.name)
        }
        return ResolvedCommand(module: module.name, command: command, executable: line)
    }

    /// The module named `requested`; without a name the root module (`paths.module` "." or empty, else the first).
    public static func module(_ requested: String?, in architecture: ProjectArchitecture) throws(PlanBuildError) -> ProjectArchitecture.Module {
        if let requested, !requested.isEmpty {
            return try architecture.requireModule(requested)
        } else {
            guard let root = architecture.rootModule else {
                throw PlanBuildError(.unknownModule, "The project has no modules in derived-data.json")
            }
            return root
        }
    }
}
