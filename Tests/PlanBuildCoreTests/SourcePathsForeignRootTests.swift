import Testing
@testable import PlanBuildSupport
@testable import PlanBuildExecution

/// A log from a build run on another machine (remote execution) names that machine's folder:
/// its absolute paths map back to the project by the longest tail that names a file here, and the
/// folder found once maps the log's other paths at once.
@Suite struct SourcePathsForeignRootTests {
    @Test func anotherMachinesPathsMapToTheProject() throws {
        let project = TestSupport.makeTemporaryDirectory("pbforeign")
        TestSupport.write("class A {}", to: project + "/service/src/main/java/A.java")
        TestSupport.write("class B {}", to: project + "/service/src/main/java/B.java")
        var paths = SourcePaths(projectDir: project, foreignRoots: true)
        #expect(paths.display("/work/worker-a/lease-7/service/src/main/java/A.java") == "service/src/main/java/A.java")
        // The other machine's folder is known now: a path below it maps without a lookup.
        #expect(paths.display("/work/worker-a/lease-7/service/src/main/java/Gone.java") == "service/src/main/java/Gone.java")
        #expect(paths.display(project + "/service/src/main/java/B.java") == "service/src/main/java/B.java")
        // Elsewhere stays as printed; so do paths of a build that ran here.
        #expect(paths.display("/usr/share/maven-repo/x.pom") == "/usr/share/maven-repo/x.pom")
        #expect(paths.display("/") == "/")
        var local = SourcePaths(projectDir: project)
        #expect(local.display("/work/worker-a/lease-7/service/src/main/java/A.java") == "/work/worker-a/lease-7/service/src/main/java/A.java")
    }
}
