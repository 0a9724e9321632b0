/// What a C caller compiles and links against, laid out in a prefix the way libgit2 and sqlite
/// install: `PREFIX/include/planbuild.h`; `PREFIX/lib/libplanbuild.so` with what it loads beside
/// itself (its plugins, planbuild-supervisor, and the Swift runtime where the installation carries
/// one, as the wheel does); and `PREFIX/lib/pkgconfig/planbuild.pc` for
/// `pkg-config --cflags --libs planbuild`.
public struct DevelopmentPackage: Sendable {
    /// The installation's include/planbuild.h.
    public let header: String
    /// The folder of the installation's libplanbuild.so.
    public let libraryDirectory: String

    /// Why a package could not be laid out, for a person (a command-line tool prints it).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static let libraryName = "libplanbuild.so"
    static let supervisorName = "planbuild-supervisor"

    public init(header: String, libraryDirectory: String) {
        self.header = header
        self.libraryDirectory = libraryDirectory
    }

    /// What goes to PREFIX/lib: every shared library of the library's folder (the library, its
    /// plugins and any runtime vendored beside them, all found there through `$ORIGIN` or
    /// dladdr) and the supervisor every build runs under.
    func libraryFiles() -> [String] {
        FileSystem.listDirectory(libraryDirectory).filter { name in
            (name == Self.supervisorName || Self.isSharedLibrary(name))
                && FileSystem.isRegularFile(FileSystem.join(libraryDirectory, name))
        }.sorted()
    }

    /// `libNAME.so` or `libNAME.so.N…`.
    static func isSharedLibrary(_ name: String) -> Bool {
        name.hasPrefix("lib") && (name.hasSuffix(".so") || name.contains(".so."))
    }

    /// Copies the package into `prefix` (created when missing) and returns the paths written.
    /// `relocatable` writes the pkg-config file's prefix relative to the file itself, for a
    /// package that is moved after it is laid out (the wheel).
    public func install(prefix: String, relocatable: Bool) throws(DevelopmentPackage.Failure) -> [String] {
        if let unsafe = Self.unsafeCharacter(in: prefix) {
            throw Failure("the prefix '\(prefix)' contains \(unsafe): "
                + "pkg-config splits flags on whitespace and reads $, #, quotes and backslashes itself; choose another folder")
        }
        guard FileSystem.isRegularFile(header) else {
            throw Failure("the header \(header) is missing from this installation")
        }
        let files = libraryFiles()
        guard files.contains(Self.libraryName), files.contains(Self.supervisorName) else {
            throw Failure("\(libraryDirectory) lacks \(Self.libraryName) or \(Self.supervisorName): "
                + "build them with `bash scripts/setup`")
        }
        let includeDir = FileSystem.join(prefix, "include")
        let libDir = FileSystem.join(prefix, "lib")
        let pkgConfigDir = FileSystem.join(libDir, "pkgconfig")
        var written: [String] = []
        do {
            for folder in [includeDir, pkgConfigDir] { try FileSystem.makeDirectories(folder) }
            let headerTarget = FileSystem.join(includeDir, "planbuild.h")
            try Self.copy(header, to: headerTarget, mode: 0o644)
            written.append(headerTarget)
            for name in files {
                let target = FileSystem.join(libDir, name)
                try Self.copy(FileSystem.join(libraryDirectory, name), to: target, mode: 0o755)
                written.append(target)
            }
            let pcTarget = FileSystem.join(pkgConfigDir, "planbuild.pc")
            let pcPrefix = relocatable ? "${pcfiledir}/../.." : prefix
            try FileSystem.writeAtomically(Array(Self.pkgConfig(prefix: pcPrefix, version: PlanBuildVersion.text).utf8),
                                           to: pcTarget)
            written.append(pcTarget)
        } catch {
            throw Failure("cannot install into \(prefix): \(error)")
        }
        return written
    }

    /// planbuild.pc. Libs carries an rpath to the library's folder: the prefix is rarely one the
    /// dynamic linker searches (a virtual environment, a project folder), and a program built with
    /// these flags should start without LD_LIBRARY_PATH.
    static func pkgConfig(prefix: String, version: String) -> String {
        """
        prefix=\(prefix)
        includedir=${prefix}/include
        libdir=${prefix}/lib

        Name: planbuild
        Description: PlanBuild's build engine: run and read builds for .plan projects (JSON in, JSON out)
        Version: \(version)
        Cflags: -I${includedir}
        Libs: -L${libdir} -lplanbuild -Wl,-rpath,${libdir}

        """
    }

    /// The first character of `path` that a .pc file cannot carry as a plain value, described.
    static func unsafeCharacter(in path: String) -> String? {
        for character in path {
            if character.isWhitespace { return "whitespace" }
            if "$#\"'\\".contains(character) { return "'\(character)'" }
        }
        return nil
    }

    /// A whole file copied to `target` with `mode`, replacing what is there at once.
    static func copy(_ source: String, to target: String, mode: UInt32) throws(FileError) {
        try FileSystem.writeAtomically(try FileSystem.readFile(source, limit: 1 << 30), to: target, mode: mode)
    }
}
