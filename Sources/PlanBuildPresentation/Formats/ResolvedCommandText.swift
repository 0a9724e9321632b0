import PlanBuildSupport
import PlanBuildModel

/// What `planbuild resolve` and `architecture.py resolve` print: `module: M`, `command: C`,
/// `executable: E`, each value escaped by `OneLine` (derived-data.json may hold anything).
extension ResolvedCommand {
    public var text: String {
        "module: \(OneLine.escape(module))\ncommand: \(OneLine.escape(command))\nexecutable: \(OneLine.escape(executable))\n"
    }
}
