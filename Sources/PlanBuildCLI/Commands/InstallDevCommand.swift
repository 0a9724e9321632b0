import ArgumentParser
import PlanBuildSupport

/// Lays out the C package of this installation in a prefix: the header, the library with what it
/// loads beside itself, and planbuild.pc for pkg-config.
struct InstallDevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-dev",
        abstract: "Install the C package (include/planbuild.h, lib/libplanbuild.so, lib/pkgconfig/planbuild.pc) into a prefix.",
        discussion: "Then: PKG_CONFIG_PATH=DIR/lib/pkgconfig cc app.c $(pkg-config --cflags --libs planbuild)")

    @Option(help: "The prefix to write DIR/include, DIR/lib and DIR/lib/pkgconfig into (created when missing).")
    var prefix: String
    @Flag(help: "Write the pkg-config file's prefix relative to the file (${pcfiledir}), so the folder may be moved.")
    var relocatable = false

    func run() throws {
        guard let installation = Installation.locate() else {
            printError("error: cannot find this installation's include/ and python/ above \(FileSystem.realPath("/proc/self/exe") ?? "the executable")")
            throw ExitCode(1)
        }
        let target = FileSystem.absolute(prefix)
        let package = DevelopmentPackage(header: installation.header, libraryDirectory: installation.libraryDirectory)
        let written: [String]
        do {
            written = try package.install(prefix: target, relocatable: relocatable)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        for path in written { print("wrote \(path)") }
        print("use: PKG_CONFIG_PATH=\(FileSystem.join(target, "lib/pkgconfig")) pkg-config --cflags --libs planbuild")
    }
}
