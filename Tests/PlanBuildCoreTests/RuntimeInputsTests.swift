import Foundation
import Testing
@testable import PlanBuildModel
@testable import PlanBuildCache

/// `incremental.runtime_inputs`: a command's output joins every digest; another output
/// (another toolchain) is a miss that names the command.
@Suite struct RuntimeInputsTests {
    @Test func aChangedRuntimeOutputIsAGlobalChangeNamingTheCommand() throws {
        try TestSupport.withTemporaryDirectory { project in
            func write(_ text: String, _ path: String) throws {
                let url = URL(fileURLWithPath: project + "/" + path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: false, encoding: .utf8)
            }
            try write("""
            {"modules": {"lib": {"name": "lib", "paths": {"module": "lib", "sources": ["lib/src"]}, "commands": {"verify": "true"}}}}
            """, ".plan/project-architecture/derived-data.json")
            try write("lib", "lib/src/L.txt")
            try write("toolchain 1", "toolchain.txt") // not an input file: only the command reads it
            let layout = ProjectLayout(projectDir: project)
            let architecture = try ProjectArchitecture.load(layout)
            let plan = try OrchestrationPlan.make(command: "verify", modules: nil, architecture: architecture)
            var settings = IncrementalSettings()
            settings.runtimeInputs = ["cat toolchain.txt"]
            func run() throws -> IncrementalRun {
                try IncrementalRun(plan: plan, architecture: architecture, layout: layout, settings: settings, request: .init())
            }
            #expect(try run().recordSuccess(index: 0, durationMilliseconds: 10, tests: nil, warnings: 0, logFile: nil) == nil)
            guard case .hit = try run().decisions[0] else { Issue.record("same output: not a hit"); return }
            try write("toolchain 2", "toolchain.txt")
            guard case .miss(let miss) = try run().decisions[0] else { Issue.record("other output: a hit"); return }
            #expect(miss.reason == .globalInputChanged)
            #expect(miss.changes.modified == ["/runtime/cat toolchain.txt"])
        }
    }

    @Test func outputAndExitStatusAreCaptured() {
        let text = RuntimeInputs.run("echo \"it's\"; echo err >&2; exit 3", in: "/")
        #expect(text == "it's\nerr\n\nexit \(3 << 8)\n")
    }
}
