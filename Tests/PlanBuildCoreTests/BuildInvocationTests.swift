import Testing
@testable import PlanBuildModel
@testable import PlanBuildOrchestration
@testable import PlanBuildExecution
@testable import PlanBuildScripts

/// Which command lines of derived-data.json run in the engine, and what their options carry
/// (both notation generations, --command-args, --env, --working-dir).
@Suite struct BuildInvocationTests {
    private func engine(_ line: String) throws -> BuildInvocation.EngineBuild? {
        if case .engine(let build) = try BuildInvocation.from(commandLine: line, scripts: BuildScriptRuns()) { return build }
        return nil
    }

    @Test func bothGenerationsOfNotationsRunInTheEngineAlike() throws {
        let pairs = [("pm-dev-java:plan-marshall-plugin:maven", "plan-marshall:build-maven:maven", BuildSystem.maven),
                     ("pm-dev-java:plan-marshall-plugin:gradle", "plan-marshall:build-gradle:gradle", .gradle),
                     ("pm-dev-frontend:plan-marshall-plugin:npm", "plan-marshall:build-npm:npm", .npm)]
        for (spec, today, system) in pairs {
            let old = try engine("python3 .plan/execute-script.py \(spec) run --commandArgs \"verify -pl core\"")
            let new = try engine("python3 .plan/execute-script.py \(today) run --command-args \"verify -pl core\"")
            #expect(old == new)
            #expect(old?.system == system && old?.commandArgs == "verify -pl core")
        }
        let python = try engine("python3 .plan/execute-script.py plan-marshall:build-pyproject:pyproject_build run --command-args verify")
        #expect(python?.system == .python && python?.commandArgs == "verify")
    }

    @Test func envWorkingDirAndModeAreKept() throws {
        let build = try engine("""
        python3 .plan/execute-script.py plan-marshall:build-npm:npm run --command-args "eslint src" \
        --env "NODE_PATH=/usr/share/nodejs CI='a b'" --working-dir=frontend --mode errors --timeout 30
        """)
        #expect(build?.commandArgs == "eslint src")
        #expect(build?.environment == [.init(name: "NODE_PATH", value: "/usr/share/nodejs"), .init(name: "CI", value: "a b")])
        #expect(build?.workingDirectory == "frontend")
        #expect(build?.mode == .errors)
        let inline = try engine("python3 .plan/execute-script.py plan-marshall:build-maven:maven run --command-args=verify --env=A=1")
        #expect(inline?.commandArgs == "verify" && inline?.environment == [.init(name: "A", value: "1")])
    }

    @Test func otherCommandLinesRunAsProcesses() throws {
        for line in ["python3 .plan/execute-script.py plan-marshall:manage-architecture:architecture modules",
                     "python3 .plan/execute-script.py plan-marshall:build-npm:npm parse --log x.log",
                     "python3 .plan/execute-script.py plan-marshall:build-npm:npm run",
                     "python3 .plan/execute-script.py plan-marshall:build-npm:npm run --command-args test --env NOT_AN_ASSIGNMENT",
                     "make all"] {
            #expect(try engine(line) == nil, "\(line)")
        }
    }

    @Test func moduleFilesLayoutIsReadWhenDerivedDataIsAbsent() throws {
        let architecture = try TestSupport.withTemporaryDirectory { directory in
            let folder = directory + "/.plan/project-architecture"
            TestSupport.write(#"{"name": "p", "modules": {"core": {}}}"#, to: folder + "/_project.json")
            TestSupport.write(#"{"name": "core", "paths": {"module": "core"}, "commands": {"verify": "mvn verify"}}"#,
                              to: folder + "/core/derived.json")
            return try ProjectArchitecture.load(ProjectLayout(projectDir: directory))
        }
        #expect(architecture.modules.map(\.name) == ["core"])
        #expect(architecture.module(named: "core")?.commandLine(for: "verify") == "mvn verify")
    }

    @Test func aBuildLogsUnderItsModuleWhateverItsSystem() {
        func scope(_ system: BuildSystem, _ args: String, workingDirectory: String? = nil, named: String? = nil) -> String? {
            var request = BuildRequest(system: system, commandArgs: args, layout: ProjectLayout())
            request.workingDirectory = workingDirectory
            request.logScope = named
            return request.effectiveLogScope
        }
        #expect(scope(.maven, "verify -pl core") == "core")
        #expect(scope(.npm, "run test --workspace=api") == "api")
        #expect(scope(.python, "pytest --rootdir analytics analytics") == "analytics")
        #expect(scope(.npm, "run test", workingDirectory: "packages/web/") == "web")
        #expect(scope(.npm, "run test", workingDirectory: ".") == nil)
        #expect(scope(.python, "verify") == nil)  // LogFiles: `default`
        #expect(scope(.python, "verify", named: "inventory") == "inventory")
        #expect(scope(.maven, "verify -pl core", named: "service") == "service")
    }
}
