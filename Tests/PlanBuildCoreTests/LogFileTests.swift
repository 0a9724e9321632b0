import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel

/// Build log naming and scope sanitising.
@Suite struct LogFileTests {
    static func isTimestamp(_ text: Substring) -> Bool {
        // YYYY-MM-DD-HHMMSS
        let pattern = Array("dddd-dd-dd-dddddd")
        let characters = Array(text)
        guard characters.count == pattern.count else { return false }
        for (character, kind) in zip(characters, pattern) {
            if kind == "d" ? !character.isASCII || !character.isNumber : character != kind { return false }
        }
        return true
    }

    @Test func nameFollowsThePattern() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            let created = try LogFiles.create(system: "maven", scope: nil, layout: layout, keepOpen: false)
            #expect(created.descriptor == -1)
            let prefix = dir + "/.plan/temp/build-output/default/maven-"
            #expect(created.path.hasPrefix(prefix))
            #expect(created.path.hasSuffix(".log"))
            let stamp = created.path.dropFirst(prefix.count).dropLast(4)
            #expect(Self.isTimestamp(stamp), "timestamp part: \(stamp)")
            #expect(FileSystem.isRegularFile(created.path))
            #expect(TestSupport.readBytes(created.path).isEmpty)
        }
    }

    @Test func scopeAndPlanDirName() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir, planDirName: ".plan-custom")
            let created = try LogFiles.create(system: "npm", scope: "web", layout: layout, keepOpen: true)
            defer { close(created.descriptor) }
            #expect(created.descriptor >= 0)
            #expect(created.path.hasPrefix(dir + "/.plan-custom/temp/build-output/web/npm-"))
            // The descriptor writes into the file.
            let text = "hello\n"
            _ = text.withCString { write(created.descriptor, $0, strlen($0)) }
            #expect(TestSupport.readText(created.path) == text)
        }
    }

    @Test func timestampFormat() {
        #expect(LogFiles.timestamp(0) == "1970-01-01-000000")
        #expect(LogFiles.timestamp(1_767_449_730) == "2026-01-03-141530")
    }

    @Test(arguments: [("core", "core"), (":core", "core"), ("", "default"), ("..", "default"), (".", "default")])
    func sanitizedScopeKnownValues(_ scope: String, _ expected: String) {
        #expect(LogFiles.sanitizedScope(scope) == expected)
    }

    @Test func sanitizedScopeOfNil() {
        #expect(LogFiles.sanitizedScope(nil) == "default")
    }

    @Test func commandArgumentsScopeCannotClimb() throws {
        let arguments = try CommandArguments(system: .maven, commandArgs: "verify -pl ../../etc")
        #expect(arguments.module == "../../etc")
        let scope = arguments.logScope
        #expect(!scope.contains("/"))
        #expect(scope != ".." && scope != "." && !scope.isEmpty)
    }

    @Test(arguments: ["../../etc", "..", "/etc/passwd", "a/b", "", nil, ":core", "../", "./../..", "a/../../..",
                      "\u{0}x", "~", String(repeating: "x/", count: 300)])
    func noScopeLeavesBuildOutput(_ scope: String?) throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            let created = try LogFiles.create(system: "maven", scope: scope, layout: layout, keepOpen: false)
            let buildOutput = try #require(FileSystem.realPath(layout.buildOutputDir))
            let real = try #require(FileSystem.realPath(created.path))
            #expect(real.hasPrefix(buildOutput + "/"), "scope \(String(describing: scope)) gave \(real)")
            // Exactly one directory level below build-output.
            let relative = real.dropFirst(buildOutput.count + 1)
            #expect(relative.split(separator: "/").count == 2, "scope \(String(describing: scope)) gave \(relative)")
        }
    }

    @Test func logScopeFromArgumentsStaysInside() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            let arguments = try CommandArguments(system: .maven, commandArgs: "verify -pl ../../etc")
            for scope in [arguments.logScope, arguments.module] {
                let created = try LogFiles.create(system: "maven", scope: scope, layout: layout, keepOpen: false)
                let buildOutput = try #require(FileSystem.realPath(layout.buildOutputDir))
                let real = try #require(FileSystem.realPath(created.path))
                #expect(real.hasPrefix(buildOutput + "/"))
            }
        }
    }

    @Test func systemNameCannotClimbEither() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            let created = try LogFiles.create(system: "../../maven", scope: "core", layout: layout, keepOpen: false)
            let real = try #require(FileSystem.realPath(created.path))
            #expect(real.hasPrefix(try #require(FileSystem.realPath(layout.buildOutputDir)) + "/core/"))
        }
    }

    @Test func buildsInTheSameSecondGetDistinctFiles() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let layout = ProjectLayout(projectDir: dir)
            var paths: [String] = []
            for _ in 0..<20 {
                paths.append(try LogFiles.create(system: "maven", scope: "core", layout: layout, keepOpen: false).path)
            }
            #expect(Set(paths).count == 20)
            for path in paths { #expect(FileSystem.isRegularFile(path), "missing \(path)") }
        }
    }

    @Test func relativeProjectDirectoryGivesAnAbsolutePath() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            // A relative project directory is taken from the current directory of the process.
            let relative = String(dir.dropFirst())
            let depth = FileSystem.currentDirectory().split(separator: "/").count
            let up = String(repeating: "../", count: depth)
            let layout = ProjectLayout(projectDir: up + relative)
            let created = try LogFiles.create(system: "gradle", scope: nil, layout: layout, keepOpen: false)
            #expect(created.path.hasPrefix("/"))
            #expect(created.path.hasPrefix(dir + "/.plan/temp/build-output/default/gradle-"))
        }
    }
}
