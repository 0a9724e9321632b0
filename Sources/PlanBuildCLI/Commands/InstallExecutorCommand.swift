import ArgumentParser
import PlanBuildSupport
import PlanBuildModel

/// Writes `P/.plan/execute-script.py` with this installation's shims and library embedded, so
/// the commands of P's derived-data.json run through PlanBuild.
struct InstallExecutorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-executor", abstract: "Make a project's .plan/execute-script.py run through this PlanBuild.")

    @Option(name: .customLong("project-dir"), help: "The project to adopt PlanBuild.") var projectDir: String
    @Option(help: "The Python shims folder (default: this installation's python/).") var shims: String?
    @Option(help: "libplanbuild.so to use (default: the one beside this executable).") var library: String?

    func run() throws {
        let installation = Installation.locate()
        guard let shimsDir = shims.map(FileSystem.absolute) ?? installation?.shimsDir else {
            printError("error: cannot find the python/ shims of this installation; pass --shims DIR")
            throw ExitCode(1)
        }
        let libraryPath = library.map(FileSystem.absolute) ?? installation?.libraryPath ?? ""
        guard FileSystem.isRegularFile(libraryPath) else {
            printError("error: libplanbuild.so not found at '\(libraryPath)': build it with 'swift build -c release' or pass --library PATH")
            throw ExitCode(1)
        }
        let templatePath = FileSystem.join(shimsDir, "executor_template.py.txt")
        let template: String
        do {
            template = try FileSystem.readText(templatePath)
        } catch {
            printError("error: cannot read the executor template: \(error)")
            throw ExitCode(1)
        }
        let text = template
            .replacing("@SHIMS_DIR@", with: pythonLiteral(shimsDir))
            .replacing("@LIBRARY@", with: pythonLiteral(libraryPath))
        let layout = ProjectLayout(projectDir: projectDir, planDirName: FileSystem.environment("PLAN_DIR_NAME"))
        let target = FileSystem.join(layout.planDir, "execute-script.py")
        do {
            try FileSystem.makeDirectories(layout.planDir)
            try FileSystem.writeAtomically(Array(text.utf8), to: target)
        } catch {
            printError("error: cannot write \(target): \(error)")
            throw ExitCode(1)
        }
        print("wrote \(target)")
        print("shims: \(shimsDir)")
        print("library: \(libraryPath)")
    }

    /// The body of a Python string literal (the template supplies the quotes).
    private func pythonLiteral(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    }
}
