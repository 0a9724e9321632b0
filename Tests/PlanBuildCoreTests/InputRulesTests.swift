import Foundation
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildCache

/// Which files a scan takes as inputs: nested .gitignore files apply below their own folder only,
/// output folders are left out only where their module puts them, and symbolic links are inputs
/// and are read through (InputScanner, IgnoreRules, BuildInputs.outputFolders).
@Suite struct InputRulesTests {
    private func paths(_ project: String, _ roots: [String], outputFolders: [String] = []) -> [String] {
        var scanner = InputScanner(projectDirectory: project, outputFolders: outputFolders)
        return scanner.scan(roots).map(\.path)
    }

    @Test func aNestedGitIgnoreAppliesBelowItsOwnFolderOnly() {
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("*.gen\n/only-here.txt\n", to: project + "/src/a/.gitignore")
            for path in ["src/a/x.gen", "src/a/only-here.txt", "src/a/deeper/z.gen", "src/a/A.java",
                         "src/a2/w.gen", "src/b/y.gen", "src/b/only-here.txt", "src/b/deeper/only-here.txt"] {
                TestSupport.write("x", to: project + "/" + path)
            }
            // src/a2 and src/b are walked after src/a, whose patterns must not reach them.
            #expect(paths(project, ["src"]) == ["src/a/.gitignore", "src/a/A.java", "src/a2/w.gen", "src/b/deeper/only-here.txt",
                                                "src/b/only-here.txt", "src/b/y.gen"])
            // Scanned from a sibling alone, the nested file is never read; from inside, it applies.
            #expect(paths(project, ["src/b"]) == ["src/b/deeper/only-here.txt", "src/b/only-here.txt", "src/b/y.gen"])
            #expect(paths(project, ["src/a/deeper"]) == [])
        }
    }

    @Test func aLeadingBackslashEscapesAsInGit() {
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("\\#hash\n\\!bang\n", to: project + "/.gitignore")
            for name in ["#hash", "!bang", "hash", "bang"] { TestSupport.write("x", to: project + "/src/" + name) }
            #expect(paths(project, ["src"]) == ["src/bang", "src/hash"])
        }
    }

    @Test func outputFoldersAreEachModulesOwnByItsBuildSystem() throws {
        let document = try JSONParser.parse(bytes: Array("""
        {"modules": {
          "root": {"paths": {"module": "."}, "build_systems": ["maven"]},
          "core": {"paths": {"module": "core"}, "build_systems": ["maven"]},
          "app": {"paths": {"module": "apps/app"}, "build_systems": ["Gradle"]},
          "web": {"paths": {"module": "web"}, "build_systems": ["npm"]},
          "py": {"paths": {"module": "py"}, "build_systems": ["python"]},
          "misc": {"paths": {"module": "misc"}, "build_systems": ["make"]},
          "evil": {"paths": {"module": "../elsewhere"}, "build_systems": ["maven"]}
        }}
        """.utf8))
        let architecture = try ProjectArchitecture(document: document)
        #expect(BuildInputs.outputFolders(of: architecture.modules, planDirName: ".plan-x") == [
            ".plan", ".plan-x", "apps/app/.gradle", "apps/app/build", "core/target",
            "misc/.gradle", "misc/build", "misc/dist", "misc/node_modules", "misc/target",
            "py/build", "py/dist", "target", "web/dist", "web/node_modules",
        ])
    }

    @Test func outputFoldersAreLeftOutOnlyWhereTheyAre() {
        TestSupport.withTemporaryDirectory { project in
            for path in ["core/pom.xml", "core/target/classes/A.class", "core/src/main/java/acme/target/T.java",
                         "core/src/main/java/acme/build/B.java", "core/build/notes.txt", "web/dist/bundle.js",
                         "web/src/dist/d.js", "web/node_modules/x/index.js", "core/src/__pycache__/m.pyc"] {
                TestSupport.write("x", to: project + "/" + path)
            }
            let outputs = ["core/target", "web/dist", "web/node_modules"]
            #expect(paths(project, ["core", "web"], outputFolders: outputs) == [
                "core/build/notes.txt", "core/pom.xml", "core/src/main/java/acme/build/B.java",
                "core/src/main/java/acme/target/T.java", "web/src/dist/d.js",
            ])
        }
    }

    /// Links inside and outside the project, to files and folders, dangling, looping, and into an
    /// output folder: each is recorded by its text, and what it leads to is read where that is safe.
    @Test func symbolicLinksAreRecordedAndReadThrough() throws {
        let hasher = try ContentHasher.shared()
        try TestSupport.withTemporaryDirectory { outside in
            try TestSupport.withTemporaryDirectory { project in
                TestSupport.write("e", to: outside + "/E.java")
                TestSupport.write("a", to: project + "/src/A.java")
                TestSupport.write("s", to: project + "/shared/S.java")
                TestSupport.write("s", to: project + "/shared/S2.java")
                TestSupport.write("g", to: project + "/target/gen/G.java")
                // A pattern for folders only does not match a link, as in git.
                TestSupport.write("shared/\n", to: project + "/src/.gitignore")
                for (link, target) in [("shared", "../shared"), ("one.java", "../shared/S.java"), ("ext", outside),
                                       ("loop", "."), ("up", ".."), ("dangling", "nowhere"), ("gen", "../target/gen"),
                                       ("self", "self"), ("g.java", "../target/gen/G.java")] {
                    #expect(symlink(target, project + "/src/" + link) == 0)
                }
                var scanner = InputScanner(projectDirectory: project, outputFolders: ["target"])
                let scanned = scanner.scan(["src"])
                let described = scanned.map { "\($0.path) \($0.kind)" }
                #expect(described == ["src/.gitignore file", "src/A.java file", "src/dangling symlink", "src/ext symlink",
                                      "src/ext/E.java file", "src/g.java symlink", "src/gen symlink", "src/loop symlink", "src/one.java symlinkToFile",
                                      "src/self symlink", "src/shared symlink", "src/shared/S.java file", "src/shared/S2.java file",
                                      "src/up symlink"])

                func manifest() -> InputManifest {
                    var scanner = InputScanner(projectDirectory: project, outputFolders: ["target"])
                    return InputManifest.build(scanner.scan(["src"]), projectDirectory: project, previous: nil, hasher: hasher,
                                               threads: 2, scanStartNanoseconds: scanner.startNanoseconds)
                }
                let first = manifest()
                // A link is not a file of the same content: its hash names it a link.
                let link = try #require(first.entries.first { $0.path == "src/one.java" })
                let file = try #require(first.entries.first { $0.path == "src/shared/S.java" })
                #expect(link.hash != file.hash)

                // Retargeted to a file of the same content: a change, as git sees it.
                unlink(project + "/src/one.java")
                symlink("../shared/S2.java", project + "/src/one.java")
                let retargeted = manifest()
                #expect(retargeted.changes(since: first) == InputManifest.Changes(modified: ["src/one.java"]))
                // A file edited where a link leads, inside the project and outside it.
                TestSupport.write("S2", to: project + "/shared/S2.java")
                TestSupport.write("E2", to: outside + "/E.java")
                let edited = manifest()
                #expect(edited.changes(since: retargeted)
                        == InputManifest.Changes(modified: ["src/ext/E.java", "src/one.java", "src/shared/S2.java"]))
                // What an output folder holds is not an input, even through a link.
                TestSupport.write("g2", to: project + "/target/gen/G.java")
                #expect(manifest().changes(since: edited).isEmpty)
            }
        }
    }

    /// Git records a file's executable bit: setting or clearing it is a change.
    @Test func theExecutableBitIsAnInputAsInGit() throws {
        let hasher = try ContentHasher.shared()
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("#!/bin/sh\n", to: project + "/src/run.sh")
            func manifest() -> InputManifest {
                var scanner = InputScanner(projectDirectory: project)
                return InputManifest.build(scanner.scan(["src"]), projectDirectory: project, previous: nil, hasher: hasher,
                                           threads: 1, scanStartNanoseconds: scanner.startNanoseconds)
            }
            let plain = manifest()
            chmod(project + "/src/run.sh", 0o755)
            let executable = manifest()
            #expect(executable.changes(since: plain) == InputManifest.Changes(modified: ["src/run.sh"]))
            chmod(project + "/src/run.sh", 0o644)
            #expect(manifest().digest == plain.digest)
        }
    }

    /// A module root or source folder that is itself a link: recorded and walked.
    @Test func aScannedPathThatIsALinkIsRecordedAndWalked() {
        TestSupport.withTemporaryDirectory { project in
            TestSupport.write("a", to: project + "/real/src/A.java")
            mkdir(project + "/core", 0o755)
            #expect(symlink("../real/src", project + "/core/src") == 0)
            var scanner = InputScanner(projectDirectory: project)
            #expect(scanner.scan(["core/src"]).map { "\($0.path) \($0.kind)" } == ["core/src symlink", "core/src/A.java file"])
        }
    }

    /// A link where an output folder is (Maven's `target/` on a RAM disk) is neither an input nor followed.
    @Test func aLinkAtAnOutputLocationIsLeftOut() {
        TestSupport.withTemporaryDirectory { outside in
            TestSupport.withTemporaryDirectory { project in
                TestSupport.write("c", to: outside + "/classes/A.class")
                TestSupport.write("a", to: project + "/core/src/A.java")
                #expect(symlink(outside, project + "/core/target") == 0)
                #expect(paths(project, ["core"], outputFolders: ["core/target"]) == ["core/src/A.java"])
            }
        }
    }
}
