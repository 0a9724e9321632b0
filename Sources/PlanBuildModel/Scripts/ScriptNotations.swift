import PlanBuildSupport

/// The two generations of plan-marshall's script interface that PlanBuild answers as. A caller that
/// names a script by one generation's notation gets that generation's behaviour, output included.
public enum ScriptGeneration: String, CaseIterable, Sendable {
    /// The interface SPEC.md describes: tab-separated TOON, JSON from the build scripts'
    /// subcommands and from run_config's edits, logs under `.plan/temp/build-output/`.
    case spec
    /// plan-marshall's current release: `key: value` TOON, `--plan-id` on every subcommand, logs
    /// under the plan's `build-results/`, PLAN_BASE_DIR naming the plan-state folder.
    case today
}

/// The scripts PlanBuild provides, by the name a project installs them under (`maven.py`, …).
public enum ScriptName: String, CaseIterable, Sendable {
    case maven, gradle, npm
    case pyprojectBuild = "pyproject_build"
    case runConfig = "run_config"
    case architecture, orchestrate, cache

    /// The build system a build script runs; nil for the other scripts.
    public var buildSystem: BuildSystem? {
        switch self {
        case .maven: return .maven
        case .gradle: return .gradle
        case .npm: return .npm
        case .pyprojectBuild: return .python
        case .runConfig, .architecture, .orchestrate, .cache: return nil
        }
    }

    public var fileName: String { "\(rawValue).py" }

    /// `maven.py` → maven; a path's last component counts.
    public init?(fileName: String) {
        let base = FileSystem.baseName(fileName)
        guard base.hasSuffix(".py") else { return nil }
        self.init(rawValue: String(base.dropLast(3)))
    }
}

/// One notation `bundle:skill:script` and what it names.
public struct ScriptNotation: Sendable, Equatable {
    public let notation: String
    public let script: ScriptName
    public let generation: ScriptGeneration

    public var bundle: String { String(notation.split(separator: ":")[0]) }
    public var skill: String { String(notation.split(separator: ":")[1]) }
}

/// The one table of notations (the dispatcher `.plan/execute-script.py`, orchestrated builds and
/// the reference-suite harness all read it), and where each generation keeps the modules other
/// scripts import.
public enum ScriptNotations {
    public static let all: [ScriptNotation] = [
        ScriptNotation(notation: "pm-dev-java:plan-marshall-plugin:maven", script: .maven, generation: .spec),
        ScriptNotation(notation: "pm-dev-java:plan-marshall-plugin:gradle", script: .gradle, generation: .spec),
        ScriptNotation(notation: "pm-dev-frontend:plan-marshall-plugin:npm", script: .npm, generation: .spec),
        ScriptNotation(notation: "plan-marshall:run-config:run_config", script: .runConfig, generation: .spec),
        ScriptNotation(notation: "plan-marshall:analyze-project-architecture:architecture", script: .architecture, generation: .spec),
        ScriptNotation(notation: "plan-marshall:build-orchestrator:orchestrate", script: .orchestrate, generation: .spec),
        ScriptNotation(notation: "plan-marshall:build-maven:maven", script: .maven, generation: .today),
        ScriptNotation(notation: "plan-marshall:build-gradle:gradle", script: .gradle, generation: .today),
        ScriptNotation(notation: "plan-marshall:build-npm:npm", script: .npm, generation: .today),
        ScriptNotation(notation: "plan-marshall:build-pyproject:pyproject_build", script: .pyprojectBuild, generation: .today),
        ScriptNotation(notation: "plan-marshall:manage-architecture:architecture", script: .architecture, generation: .today),
        ScriptNotation(notation: "plan-marshall:manage-run-config:run_config", script: .runConfig, generation: .today),
    ]

    /// `bundle:skill` folders that hold each generation's shared modules (`_build_result`, …).
    public static let moduleHomes: [(bundle: String, skill: String, generation: ScriptGeneration)] = [
        ("plan-marshall", "extension-api", .spec),
        ("plan-marshall", "script-shared", .today),
    ]

    /// When nothing says otherwise: the contract's generation.
    public static let defaultGeneration = ScriptGeneration.spec

    public static func named(_ notation: String) -> ScriptNotation? {
        all.first { $0.notation == notation }
    }

    /// The generation of a script or module installed in a marketplace layout,
    /// `…/<bundle>/skills/<skill>/scripts/[…/]file.py`; nil anywhere else.
    public static func generation(ofPath path: String) -> ScriptGeneration? {
        let parts = path.split(separator: "/").map(String.init)
        guard let skills = parts.lastIndex(of: "skills"), skills >= 1, skills + 2 < parts.count,
              parts[skills + 2] == "scripts" else { return nil }
        let bundle = parts[skills - 1], skill = parts[skills + 1]
        if let home = moduleHomes.first(where: { $0.bundle == bundle && $0.skill == skill }) { return home.generation }
        return all.first { $0.bundle == bundle && $0.skill == skill }?.generation
    }

    /// Which generation a call speaks: the one it names (nil when that is no generation), else
    /// the one of the place its script is installed, else the contract's.
    public static func generation(explicit: String?, scriptPath: String?) -> ScriptGeneration? {
        if let explicit, !explicit.isEmpty { return ScriptGeneration(rawValue: explicit) }
        return scriptPath.flatMap(generation(ofPath:)) ?? defaultGeneration
    }

    /// The build system a notation's `run` builds, for notations PlanBuild executes itself.
    public static func buildSystem(of notation: String) -> BuildSystem? {
        named(notation)?.script.buildSystem
    }
}
