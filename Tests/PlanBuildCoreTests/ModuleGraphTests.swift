import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel

/// The module graph from dependencies as the discovery tools write them.
@Suite struct ModuleGraphTests {
    private func architecture(_ json: String) throws -> ProjectArchitecture {
        try ProjectArchitecture(document: try JSONParser.parse(bytes: Array(json.utf8)))
    }

    @Test func mavenCoordinatesResolveByGroupAndArtifact() throws {
        let project = try architecture("""
        {"modules": {
          "core": {"metadata": {"group_id": "com.example", "artifact_id": "core"}, "dependencies": []},
          "service": {"metadata": {"group_id": "com.example", "artifact_id": "service-impl"},
                      "dependencies": ["com.example:core:compile", "org.slf4j:slf4j-api:compile", "junit:junit:test"]},
          "web": {"metadata": {"group_id": "com.example", "artifact_id": "web"},
                  "dependencies": ["com.example:service-impl:compile", "other.group:core:compile"]}
        }}
        """)
        #expect(project.module(named: "service")?.dependencies == ["core"])
        // Another group's artifact of the same name is a library, not our core.
        #expect(project.module(named: "web")?.dependencies == ["service"])
        let graph = ModuleGraph(project)
        #expect(graph.edges.map { "\($0.from)->\($0.to)" } == ["service->core", "web->service"])
        #expect(graph.external.map(\.declared) == ["org.slf4j:slf4j-api:compile", "junit:junit:test", "other.group:core:compile"])
        #expect(graph.cycle == nil)
    }

    @Test func mavenArtifactOnlyOrModuleNameMatchesOnTheArtifactId() {
        let targets = [DependencyReference.Target(name: "lib", groupId: nil, artifactId: "lib-artifact", packageName: nil),
                       DependencyReference.Target(name: "api", groupId: nil, artifactId: nil, packageName: nil)]
        #expect(DependencyReference.resolve("any.group:lib-artifact:compile", among: targets) == "lib")
        #expect(DependencyReference.resolve("any.group:api:provided", among: targets) == "api")
        #expect(DependencyReference.resolve("any.group:other:compile", among: targets) == nil)
    }

    @Test func gradleProjectReferences() {
        let targets = ["core", "app", "libs:util"].map { DependencyReference.Target(name: $0, groupId: nil, artifactId: nil, packageName: nil) }
        #expect(DependencyReference.resolve("project:core:implementation", among: targets) == "core")
        #expect(DependencyReference.resolve("project::core:api", among: targets) == "core")
        #expect(DependencyReference.resolve("project::app", among: targets) == "app")
        #expect(DependencyReference.resolve("project::libs:util:implementation", among: targets) == "libs:util")
        #expect(DependencyReference.resolve("project::missing:implementation", among: targets) == nil)
    }

    @Test func npmNamesWithScopes() {
        let targets = [DependencyReference.Target(name: "ui", groupId: nil, artifactId: nil, packageName: "@acme/ui"),
                       DependencyReference.Target(name: "utils", groupId: nil, artifactId: nil, packageName: nil)]
        #expect(DependencyReference.resolve("@acme/ui:dev", among: targets) == "ui")
        #expect(DependencyReference.resolve("@acme/ui:runtime", among: targets) == "ui")
        #expect(DependencyReference.resolve("utils:runtime", among: targets) == "utils")
        #expect(DependencyReference.resolve("react:runtime", among: targets) == nil)
        #expect(DependencyReference.resolve("@types/node:dev", among: targets) == nil)
    }

    @Test func bareNamesAndObjectsStillWork() throws {
        let project = try architecture("""
        {"modules": {"a": {}, "b": {"dependencies": ["a", {"name": "a"}, "b"]}, "c": {"internal_dependencies": ["b"]}}}
        """)
        #expect(project.module(named: "b")?.dependencies == ["a"]) // itself and repeats dropped
        #expect(project.module(named: "c")?.dependencies == ["b"])
    }

    @Test func aCycleIsReportedByTheGraphAndRefusedByThePlan() throws {
        let project = try architecture("""
        {"modules": {"a": {"paths": {"module": "a"}, "dependencies": ["project:b:implementation"], "commands": {"verify": "true"}},
                     "b": {"paths": {"module": "b"}, "dependencies": ["project::a:api"], "commands": {"verify": "true"}}}}
        """)
        #expect(ModuleGraph(project).cycle == ["a", "b", "a"])
        #expect(throws: PlanBuildError.self) { try OrchestrationPlan.make(command: "verify", modules: nil, architecture: project) }
    }

    @Test func graphTextForms() throws {
        let project = try architecture("""
        {"modules": {"core": {}, "web": {"dependencies": ["core", "left\\tpad:runtime"]}}}
        """)
        let graph = ModuleGraph(project)
        let toon = graph.text(.toon)
        #expect(toon.contains("edges[1]{from,to,declared}:\n  web\tcore\tcore"))
        #expect(toon.contains("external[1]{module,declared}:\n  web\tleft pad:runtime"))
        #expect(graph.text(.dot).contains("\"web\" -> \"core\" [label=\"core\"];"))
        let json = try JSONParser.parse(bytes: Array(graph.text(.json).utf8))
        #expect(json["edges"]?.arrayValue?.count == 1)
        #expect(json["cycle"] == .null)
    }

    @Test func criticalPathOrdersLongChainsFirst() {
        // leaf (learned 5 s) beside a chain a → b → c of unknown durations (1 s each by default).
        let builds = [PlannedBuild(module: "leaf", command: "verify", commandLine: "", dependencies: []),
                      PlannedBuild(module: "a", command: "verify", commandLine: "", dependencies: []),
                      PlannedBuild(module: "b", command: "verify", commandLine: "", dependencies: ["a"]),
                      PlannedBuild(module: "c", command: "verify", commandLine: "", dependencies: ["b"])]
        let plan = OrchestrationPlan(builds: builds)
        #expect(plan.remainingPathMilliseconds(expected: [nil, nil, nil, nil]) == [1000, 3000, 2000, 1000])
        #expect(plan.remainingPathMilliseconds(expected: [5000, nil, nil, nil]) == [5000, 3000, 2000, 1000])
        #expect(plan.remainingPathMilliseconds(expected: [100, 4000, 100, 100]) == [100, 4200, 200, 100])
    }
}
