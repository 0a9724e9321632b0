import Testing
import Foundation
@testable import PlanBuildSupport
@testable import PlanBuildServer

/// The server's table of jobs keeps finished ones for a day (Journal.retentionMilliseconds):
/// a job past that is forgotten when the table is restored and when a later job finishes, also
/// now that pruning runs only when one is due.
@Suite struct JobTableTests {
    struct Succeeds: JobRunner {
        func run(_ job: ServedJob) -> JSONObject { JSONObject([("status", "success")]) }
    }

    static func finished(_ id: String, sequence: Int, at: Int) -> ReplayedJob {
        var job = ReplayedJob(job: id, sequence: sequence, submittedAt: at - 1_000, kind: .build, project: "/p", label: "x")
        job.finished = (at, JSONObject([("status", "success")]))
        return job
    }

    @Test func finishedJobsAreForgottenOnceTheirDayHasPassed() async throws {
        let journal = try Journal(path: JournalTests.temporaryFolder() + "/journal.jsonl")
        let table = JobTable(journal: journal, queue: SlotQueue(capacity: 1), runner: Succeeds(), ended: Latch())
        let now = WallClock.milliseconds()
        let retention = Journal.retentionMilliseconds
        // One long gone, one that expires 300 ms from now, one recent.
        await table.restore([Self.finished("gone", sequence: 1, at: now - retention - 1),
                             Self.finished("soon", sequence: 2, at: now - retention + 300),
                             Self.finished("recent", sequence: 3, at: now - 1_000)], now: now)
        #expect(await table.list().compactMap { $0["job"]?.stringValue } == ["soon", "recent"])

        try await Task.sleep(nanoseconds: 400_000_000)
        let submission = Submission(kind: .build, request: JSONObject([("args", "verify")]), context: JournalTests.context)
        let job = try await table.submit(submission, origin: nil)
        #expect(await job.result(within: 10) != nil)
        // The table hears of the end on a task of its own: wait for it to forget "soon".
        for _ in 0..<1000 where await table.list().count != 2 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(await table.list().compactMap { $0["job"]?.stringValue } == ["recent", job.id])
    }
}
