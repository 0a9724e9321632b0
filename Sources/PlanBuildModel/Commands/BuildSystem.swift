/// The build tools PlanBuild runs, with what differs between them: wrapper, routing options,
/// options that take a separate value (so their value is not mistaken for a goal).
public enum BuildSystem: String, CaseIterable, Sendable {
    case maven, gradle, npm
    /// pyproject projects: pyprojectx (`./pw`, `pw`) or the plain tools (pytest, mypy, ruff).
    case python

    public init?(name: String) { self.init(rawValue: name.lowercased()) }

    /// Every system's name, as help texts and errors list them (`maven, gradle, npm, python`).
    public static var namesText: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Options whose value is the next word.
    var optionsWithValue: Set<String> {
        switch self {
        case .maven:
            return ["-pl", "--projects", "-f", "--file", "-s", "--settings", "-gs", "--global-settings",
                    "-t", "--toolchains", "-T", "--threads", "-rf", "--resume-from", "-l", "--log-file",
                    "-P", "--activate-profiles", "-D", "--define", "-b", "--builder", "-emp", "-ep"]
        case .gradle:
            return ["-p", "--project-dir", "-x", "--exclude-task", "-b", "--build-file", "-c", "--settings-file",
                    "-g", "--gradle-user-home", "-I", "--init-script", "-P", "--project-prop", "-D",
                    "--system-prop", "--console", "--max-workers", "--tests", "--warning-mode", "--priority"]
        case .npm:
            return ["-w", "--workspace", "--prefix", "-C", "--loglevel", "--registry", "--cache"]
        case .python:
            // pytest's and mypy's options that take a value; `--rootdir` routes a build to a module.
            return ["-k", "-m", "-p", "-c", "-o", "--rootdir", "--config-file", "--cache-dir", "--python-version",
                    "--output-format", "--select", "--ignore"]
        }
    }

    /// Options that route a build to one module, which is also the folder its log goes to.
    var moduleOptions: Set<String> {
        switch self {
        case .maven: return ["-pl", "--projects"]
        case .gradle: return ["-p", "--project-dir"]
        case .npm: return ["-w", "--workspace", "--prefix"]
        case .python: return ["--rootdir"]
        }
    }

    /// Tools a build runs through `npx` rather than `npm` when its args start with one
    /// (`eslint src` runs as `npx eslint src`).
    package static let npxTools: Set<String> = ["playwright", "eslint", "prettier", "stylelint", "tsc", "jest", "vitest"]
}
