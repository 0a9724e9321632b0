import Foundation
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildCache

/// A project for tests of the build cache's decisions: a derived-data.json of the given modules
/// (their commands never run here), and IncrementalRun asked and recorded as orchestration does.
struct IncrementalTestProject {
    let layout: ProjectLayout
    let architecture: ProjectArchitecture
    let plan: OrchestrationPlan

    /// `modules`: name → the module's JSON object.
    init(_ project: String, modules: [String: String]) throws {
        let entries = modules.keys.sorted().map { "\"\($0)\": \(modules[$0]!)" }.joined(separator: ",\n")
        TestSupport.write("{\"modules\": {\n\(entries)\n}}\n", to: project + "/.plan/project-architecture/derived-data.json")
        layout = ProjectLayout(projectDir: project)
        architecture = try ProjectArchitecture.load(layout)
        plan = try OrchestrationPlan.make(command: "verify", modules: nil, architecture: architecture)
    }

    func run() throws -> IncrementalRun {
        try IncrementalRun(plan: plan, architecture: architecture, layout: layout, settings: .init(), request: .init())
    }

    /// Each build's decision in plan order: "hit" or the miss's reason.
    func decisions() throws -> [String] {
        try run().decisions.map {
            switch $0 {
            case .hit: return "hit"
            case .miss(let miss): return miss.reason.rawValue
            }
        }
    }

    /// Records every build of `run` as a success (a new run when none is given).
    func recordAll(_ run: IncrementalRun? = nil) throws {
        let run = try run ?? self.run()
        for index in plan.builds.indices {
            if let problem = run.recordSuccess(index: index, durationMilliseconds: 1000, tests: nil, warnings: 0, logFile: nil) {
                throw TestProgram.Failure(message: problem)
            }
        }
    }
}

/// Runs a program the test needs (git, mkfs.ext4, mount) and returns its output.
enum TestProgram {
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Errors go to a file, so neither stream can fill up and block the program while the other is read.
        let errorPath = TestSupport.makeTemporaryDirectory("pbprogram") + "/stderr"
        defer { try? FileManager.default.removeItem(atPath: FileSystem.directoryName(errorPath)) }
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer { try? errors.close() }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "\(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                          + TestSupport.readText(errorPath))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
