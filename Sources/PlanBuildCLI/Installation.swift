import PlanBuildSupport

/// Where this PlanBuild lives. The executable's folder holds libplanbuild.so, its plugins and the
/// supervisor (Beside: the rule that finds the supervisor and the plugins too); above it, the
/// installation's root holds `python/` (the shims) and `include/`. Two layouts have that shape: a
/// checkout (`ROOT/.build/release/planbuild-cli`) and the installed wheel
/// (`site-packages/planbuild/lib/planbuild-cli`, ROOT being `site-packages/planbuild`).
struct Installation {
    let root: String
    let libraryDirectory: String
    /// libplanbuild.so beside this executable, or where it was looked for.
    let libraryPath: String

    var shimsDir: String { FileSystem.join(root, "python") }
    var header: String { FileSystem.join(root, "include/planbuild.h") }

    /// The prefix of an installed package — ROOT, when its `lib/` is the executable's folder and
    /// carries the pkg-config file — or nil in a checkout, which is no prefix a C caller can use.
    var installedPrefix: String? {
        let lib = FileSystem.join(root, "lib")
        guard FileSystem.realPath(lib) == libraryDirectory,
              FileSystem.isRegularFile(FileSystem.join(lib, "pkgconfig/planbuild.pc")),
              FileSystem.isRegularFile(header) else { return nil }
        return root
    }

    static func locate() -> Installation? {
        guard let libraryDirectory = Beside.directory.flatMap(FileSystem.realPath) else { return nil }
        let library = Beside.find(DevelopmentPackage.libraryName, variable: nil)
        let libraryPath = library.path.flatMap(FileSystem.realPath) ?? library.looked
        var directory = libraryDirectory
        while directory.count > 1 {
            if FileSystem.isRegularFile(FileSystem.join(directory, "python/planbuild_executor.py")) {
                return Installation(root: directory, libraryDirectory: libraryDirectory, libraryPath: libraryPath)
            }
            directory = FileSystem.directoryName(directory)
        }
        return nil
    }
}
