import Testing
@testable import PlanBuildSupport
@testable import PlanBuildServer

@Suite struct JournalTests {
    static func temporaryFolder() -> String {
        var template = Array("/tmp/pbserver-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil)
        return String(cString: created!)
    }

    static let context = ClientContext(workingDirectory: "/w", environment: ["SECRET=token"], fileMask: 0o022)

    static func submitted(_ job: String, sequence: Int, at: Int = 1_000) -> JournalRecord {
        .submitted(job: job, sequence: sequence, at: at, kind: .build, project: "/w", label: "maven verify",
                   submission: Submission(kind: .build, request: JSONObject([("args", "verify")]), context: context))
    }

    @Test func replayTellsQueuedRunningAndFinishedJobsApart() throws {
        let folder = Self.temporaryFolder()
        let journal = try Journal(path: folder + "/journal.jsonl")
        #expect(journal.append(Self.submitted("queued", sequence: 1)) == nil)
        journal.append(Self.submitted("running", sequence: 2))
        journal.append(.started(job: "running", at: 2_000))
        journal.append(Self.submitted("done", sequence: 3))
        journal.append(.started(job: "done", at: 2_000))
        journal.append(.finished(job: "done", at: 3_000, result: JSONObject([("status", "success")])))
        // Records of a job never submitted, and a second end, are ignored.
        journal.append(.started(job: "stranger", at: 1))
        journal.append(.finished(job: "done", at: 4_000, result: JSONObject([("status", "error")])))

        var info = stat()
        stat(folder + "/journal.jsonl", &info)
        #expect(info.st_mode & 0o777 == 0o600)
        let read = Journal.read(folder + "/journal.jsonl")
        #expect(read.refused == 0)
        let jobs = JournalReplay.jobs(read.records)
        #expect(jobs.map(\.job) == ["queued", "running", "done"])
        #expect(jobs[0].startedAt == nil && jobs[0].finished == nil && jobs[0].submission?.context == Self.context)
        #expect(jobs[1].startedAt == 2_000 && jobs[1].finished == nil)
        #expect(jobs[2].finished?.at == 3_000 && jobs[2].finished?.result["status"] == "success")
        let killed = JournalReplay.killedResult(jobs[1])
        #expect(killed["status"] == "killed" && killed["duration_seconds"] == nil && killed["job"] == "running")
    }

    @Test func linesCutOrForeignAreRefusedAndTheRestIsKept() throws {
        let folder = Self.temporaryFolder()
        let path = folder + "/journal.jsonl"
        let good = JSONWriter.writeCompact(.object(Self.submitted("a", sequence: 1).json))
        let lines = [good, String(good.prefix(good.count / 2)), "garbage", #"{"record":"started","job":"A/B","at":1}"#,
                     #"{"record":"started","job":"a","at":-5}"#, #"{"record":"launched","job":"a","at":1}"#,
                     #"{"record":"finished","job":"a","at":1,"result":"x"}"#]
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let text = lines.joined(separator: "\n") + "\n"
        _ = text.withCString { write(file, $0, strlen($0)) }
        close(file)
        let read = Journal.read(path)
        #expect(read.records.count == 1)
        #expect(read.refused == 6)
    }

    @Test func compactionKeepsUnfinishedJobsAndRecentResultsWithoutTheirRequests() throws {
        let folder = Self.temporaryFolder()
        let path = folder + "/journal.jsonl"
        let journal = try Journal(path: path)
        let now = 10 * Journal.retentionMilliseconds
        journal.append(Self.submitted("old", sequence: 1, at: 1))
        journal.append(.finished(job: "old", at: now - Journal.retentionMilliseconds - 1, result: JSONObject([("status", "success")])))
        journal.append(Self.submitted("recent", sequence: 2))
        journal.append(.finished(job: "recent", at: now - 1_000, result: JSONObject([("status", "error")])))
        journal.append(Self.submitted("waiting", sequence: 3))
        try journal.compact(now: now)
        // Appending goes on into the compacted file.
        journal.append(.started(job: "waiting", at: now))
        let jobs = JournalReplay.jobs(Journal.read(path).records)
        #expect(jobs.map(\.job) == ["recent", "waiting"])
        #expect(jobs[0].submission == nil, "a finished job keeps its result, not its request and environment")
        #expect(jobs[1].submission?.context.environment == ["SECRET=token"])
        #expect(jobs[1].startedAt == now)
        let text = try FileSystem.readText(path)
        #expect(text.ranges(of: "SECRET=token").count == 1, "only the unfinished job's environment is kept")
    }
}

extension JournalTests {
    /// When what is kept passes the threshold on its own (a day of large results), the journal is
    /// compacted again only once it has doubled, not after every job.
    @Test func keptResultsAboveTheThresholdAreNotCompactedAfterEveryJob() throws {
        let folder = Self.temporaryFolder()
        let journal = try Journal(path: folder + "/journal.jsonl", compactionBytes: 4096)
        let now = 10 * Journal.retentionMilliseconds
        let result = JSONObject([("status", "success"), ("text", .string(String(repeating: "x", count: 1000)))])
        for number in 0..<6 {
            journal.append(Self.submitted("j\(number)", sequence: number, at: now - 5_000))
            journal.append(.finished(job: "j\(number)", at: now - 1_000, result: result))
        }
        #expect(journal.needsCompaction)
        try journal.compact(now: now)
        let kept = try FileSystem.readText(folder + "/journal.jsonl").utf8.count
        #expect(kept > 4096, "the recent results are all kept")
        #expect(!journal.needsCompaction, "compacting again now would keep the same")
        var appended = 0
        while !journal.needsCompaction {
            journal.append(.finished(job: "j0", at: now, result: result))
            appended += 1
        }
        let size = try FileSystem.readText(folder + "/journal.jsonl").utf8.count
        #expect(size > 2 * kept && size < 2 * kept + 1200, "compacted again once it doubled (\(appended) lines later)")
    }

    @Test func atMostTheTenThousandMostRecentResultsAreKept() {
        let now = 5 * Journal.retentionMilliseconds
        var jobs = (0..<(Journal.retainedJobs + 5)).map { number in
            var job = ReplayedJob(job: "j\(number)", sequence: number, submittedAt: now - 100_000, kind: .build, project: "/p", label: "x")
            job.finished = (now - 100_000 + number, JSONObject([("status", "success")]))
            return job
        }
        jobs.append(ReplayedJob(job: "open", sequence: 99_999, submittedAt: now, kind: .build, project: "/p", label: "x"))
        let kept = Journal.retained(jobs, now: now)
        #expect(kept.count == Journal.retainedJobs + 1)
        #expect(kept.first?.job == "j5" && kept.last?.job == "open")
    }
}

@Suite struct ServerSettingsTests {
    @Test func maxSlotsComesFromTheUsersConfigFile() throws {
        let folder = JournalTests.temporaryFolder()
        let lookup: (String) -> String? = { $0 == "XDG_CONFIG_HOME" ? folder : nil }
        #expect(ServerConfiguration.path(lookup) == folder + "/planbuild/config.json")
        #expect(ServerConfiguration.load(lookup) == ServerConfiguration(maximumSlots: SystemInfo.processorCount))
        try FileSystem.makeDirectories(folder + "/planbuild")
        for (text, slots, problem) in [(#"{"server":{"max_slots":3}}"#, 3, false), (#"{"server":{"max_slots":0}}"#, SystemInfo.processorCount, true),
                                        (#"{"server":{"max_slots":"4"}}"#, SystemInfo.processorCount, true),
                                        (#"{"server":{}}"#, SystemInfo.processorCount, false), ("not json", SystemInfo.processorCount, true)] {
            try FileSystem.writeAtomically(Array(text.utf8), to: folder + "/planbuild/config.json")
            let loaded = ServerConfiguration.load(lookup)
            #expect(loaded.maximumSlots == slots, "\(text)")
            #expect((loaded.problem != nil) == problem, "\(text)")
        }
        #expect(ServerConfiguration(maximumSlots: 0).maximumSlots == 1)
    }

    @Test func theRuntimeFolderIsTheUsersOwnAndPrivate() throws {
        let folder = JournalTests.temporaryFolder()
        #expect(RuntimeDirectory.resolve { $0 == "XDG_RUNTIME_DIR" ? folder : nil }.path == folder + "/planbuild")
        #expect(RuntimeDirectory.resolve { ["XDG_RUNTIME_DIR": "relative", "HOME": "/home/u"][$0] }.path == "/home/u/.planbuild/run")
        let directory = RuntimeDirectory(path: folder + "/planbuild")
        #expect(try directory.verify() == false)
        try directory.prepare()
        var info = stat()
        lstat(directory.path, &info)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(try directory.verify())
        chmod(directory.path, 0o755)
        try directory.prepare()
        lstat(directory.path, &info)
        #expect(info.st_mode & 0o777 == 0o700, "the server tightens its own folder")
        chmod(directory.path, 0o777)
        #expect(throws: PlanBuildError.self) { try directory.prepare() }
        #expect(throws: PlanBuildError.self) { try directory.verify() }
        chmod(directory.path, 0o700)
        let linked = RuntimeDirectory(path: folder + "/link")
        symlink(directory.path, linked.path)
        #expect(throws: PlanBuildError.self) { try linked.verify() }
        #expect(throws: PlanBuildError.self) { try linked.prepare() }
    }
}
