import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel

/// Resolve: derived-data.json → a module's complete command line.
@Suite struct ResolutionTests {
    static func mavenCommand(_ args: String) -> String {
        "python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs \"\(args)\""
    }

    /// A JSON string literal for `text`.
    static func q(_ text: String) -> String { JSONWriter.write(.string(text)) }

    /// Writes derived-data.json with `text` into a fresh project and returns its layout.
    static func project(_ text: String, in directory: String) -> ProjectLayout {
        let layout = ProjectLayout(projectDir: directory)
        TestSupport.write(text, to: layout.derivedDataPath)
        return layout
    }

    static let threeModules = """
    {
      "project": {"name": "demo"},
      "modules": {
        "core": {
          "name": "core", "build_systems": ["maven"], "paths": {"module": "core"},
          "commands": {"verify": \(q(mavenCommand("verify -pl core"))), "module-tests": \(q(mavenCommand("test -pl core")))}
        },
        "demo": {
          "name": "demo", "build_systems": ["maven"], "paths": {"module": "."},
          "commands": {"verify": \(q(mavenCommand("verify"))), "clean-install": \(q(mavenCommand("clean install")))}
        },
        "service": {
          "name": "service", "build_systems": ["maven"], "paths": {"module": "service"},
          "commands": {"verify": {"executable": \(q(mavenCommand("verify -pl service"))), "description": "x"}}
        }
      },
      "extensions_used": []
    }
    """

    @Test func rootModuleIsTheOneAtDot() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = Self.project(Self.threeModules, in: dir)
            let resolved = try CommandResolver.resolve(command: "verify", module: nil, in: layout)
            #expect(resolved == ResolvedCommand(module: "demo", command: "verify", executable: Self.mavenCommand("verify")))
            // An empty module name means the root as well.
            let empty = try CommandResolver.resolve(command: "clean-install", module: "", in: layout)
            #expect(empty.module == "demo")
            #expect(empty.executable == Self.mavenCommand("clean install"))
        }
    }

    @Test func rootModuleWithEmptyPath() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = Self.project("""
            {"modules": {
              "a": {"name": "a", "paths": {"module": "a"}, "commands": {"verify": "A"}},
              "top": {"name": "top", "paths": {"module": ""}, "commands": {"verify": "TOP"}}
            }}
            """, in: dir)
            let resolved = try CommandResolver.resolve(command: "verify", module: nil, in: layout)
            #expect(resolved.module == "top")
            #expect(resolved.executable == "TOP")
        }
    }

    @Test func rootModuleFallsBackToTheFirst() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = Self.project("""
            {"modules": {
              "zeta": {"name": "zeta", "paths": {"module": "zeta"}, "commands": {"verify": "Z"}},
              "alpha": {"name": "alpha", "paths": {"module": "alpha"}, "commands": {"verify": "A"}}
            }}
            """, in: dir)
            let resolved = try CommandResolver.resolve(command: "verify", module: nil, in: layout)
            #expect(resolved.module == "zeta")
            #expect(resolved.executable == "Z")
        }
    }

    @Test func namedModule() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = Self.project(Self.threeModules, in: dir)
            let resolved = try CommandResolver.resolve(command: "module-tests", module: "core", in: layout)
            #expect(resolved == ResolvedCommand(module: "core", command: "module-tests", executable: Self.mavenCommand("test -pl core")))
        }
    }

    @Test func commandGivenAsObjectWithExecutable() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = Self.project(Self.threeModules, in: dir)
            let resolved = try CommandResolver.resolve(command: "verify", module: "service", in: layout)
            #expect(resolved.executable == Self.mavenCommand("verify -pl service"))
        }
    }

    @Test func missingFile() {
        TestSupport.withTemporaryDirectory { dir in
            let layout = ProjectLayout(projectDir: dir)
            let error = #expect(throws: PlanBuildError.self) {
                try CommandResolver.resolve(command: "verify", module: nil, in: layout)
            }
            #expect(error?.code == .architectureMissing)
            #expect(error?.message.contains("derived-data.json") == true)
        }
    }

    @Test(arguments: ["{\"modules\": {", "not json", "", "[1, 2]", "{\"modules\": [1]}", "{\"modules\": {\"a\": 3}}"])
    func malformedFile(_ text: String) {
        TestSupport.withTemporaryDirectory { dir in
            let layout = Self.project(text, in: dir)
            let error = #expect(throws: PlanBuildError.self) {
                try CommandResolver.resolve(command: "verify", module: nil, in: layout)
            }
            #expect(error?.code == .architectureInvalid)
        }
    }

    @Test func unknownModuleListsModulesAndSuggests() {
        TestSupport.withTemporaryDirectory { dir in
            let layout = Self.project(Self.threeModules, in: dir)
            let error = #expect(throws: PlanBuildError.self) {
                try CommandResolver.resolve(command: "verify", module: "servce", in: layout)
            }
            #expect(error?.code == .unknownModule)
            let message = error?.message ?? ""
            #expect(message.contains("servce"))
            for name in ["core", "demo", "service"] { #expect(message.contains(name)) }
            #expect(message.contains("Did you mean 'service'"))
        }
    }

    @Test func unknownCommandListsCommandsAndSuggests() {
        TestSupport.withTemporaryDirectory { dir in
            let layout = Self.project(Self.threeModules, in: dir)
            let error = #expect(throws: PlanBuildError.self) {
                try CommandResolver.resolve(command: "modul-tests", module: "core", in: layout)
            }
            #expect(error?.code == .unknownCommand)
            let message = error?.message ?? ""
            #expect(message.contains("modul-tests"))
            #expect(message.contains("core"))
            #expect(message.contains("verify"))
            #expect(message.contains("module-tests"))
            #expect(message.contains("Did you mean 'module-tests'"))
        }
    }

    @Test func errorKindsHaveTheDocumentedRawValues() {
        #expect(PlanBuildError.Code.architectureMissing.rawValue == "architecture_missing")
        #expect(PlanBuildError.Code.architectureInvalid.rawValue == "architecture_invalid")
        #expect(PlanBuildError.Code.unknownModule.rawValue == "unknown_module")
        #expect(PlanBuildError.Code.unknownCommand.rawValue == "unknown_command")
    }

    // MARK: The real example project

    static var example: ProjectLayout {
        ProjectLayout(projectDir: TestSupport.repositoryRoot() + "/examples/maven-multi")
    }

    @Test func exampleRootModule() throws {
        let resolved = try CommandResolver.resolve(command: "verify", module: nil, in: Self.example)
        #expect(resolved.module == "maven-multi")
        #expect(resolved.command == "verify")
        #expect(resolved.executable == Self.mavenCommand("verify -fae"))
    }

    @Test func exampleWebModule() throws {
        let resolved = try CommandResolver.resolve(command: "verify", module: "web", in: Self.example)
        #expect(resolved.module == "web")
        #expect(resolved.executable == Self.mavenCommand("verify -pl web"))
        let architecture = try ProjectArchitecture.load(Self.example)
        #expect(architecture.modules.map(\.name) == ["maven-multi", "core", "service", "web"])
        #expect(architecture.rootModule?.name == "maven-multi")
    }
}
