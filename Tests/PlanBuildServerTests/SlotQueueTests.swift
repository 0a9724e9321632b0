import Synchronization
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildExecution
@testable import PlanBuildServer

/// The queue with real threads: each caller blocks in `run` as a build thread does; each build's
/// work records its start and waits until the test lets it end.
@Suite struct SlotQueueTests {
    /// Builds that can be held and released, and the order they started in.
    final class Bench: @unchecked Sendable {
        let queue: SlotQueue
        private let state = Mutex<(started: [String], released: Set<String>, results: [String: String])>(([], [], [:]))

        init(slots: Int) { queue = SlotQueue(capacity: slots) }

        var started: [String] { state.withLock { $0.started } }
        func result(_ caller: String) -> String? { state.withLock { $0.results[caller] } }
        func release(_ label: String) { state.withLock { _ = $0.released.insert(label) } }

        /// A caller on a thread of its own asking for build `label` of `project`.
        func submit(_ caller: String, project: String, label: String, identity: String? = nil, digest: String? = nil,
                    job: Int, priority: Int = 0, cancellation: CancellationToken? = nil) {
            let build = GatedBuild(project: project, identity: identity ?? label, inputDigest: digest, label: label, priority: priority)
            _ = DetachedThread.start { [self] in
                let result = queue.run(build, job: caller, jobSequence: job, cancellation: cancellation, onStart: {}) { token in
                    self.state.withLock { $0.started.append(label) }
                    while !token.isCancelled && !self.state.withLock({ $0.released.contains(label) }) { usleep(2_000) }
                    return BuildResult(status: token.isCancelled ? .error : .success, exitCode: 0, durationSeconds: 0,
                                       logFile: "", command: label)
                }
                self.state.withLock { $0.results[caller] = result.map { "\($0.command) \($0.status.rawValue)" } ?? "left" }
            }
        }

        func waitUntil(_ condition: @escaping (Bench) -> Bool) {
            let deadline = MonotonicClock.milliseconds() + 10_000
            while !condition(self) && MonotonicClock.milliseconds() < deadline { usleep(2_000) }
        }
    }

    @Test func aFreeSlotGoesToTheProjectServedLeastRecently() {
        let bench = Bench(slots: 2)
        // One at a time, so that they arrive in this order.
        for number in 0..<10 {
            bench.submit("a\(number)", project: "/a", label: "a\(number)", job: number)
            bench.waitUntil { $0.started.count + ($0.queue.snapshot().queued.first?.builds ?? 0) == number + 1 }
        }
        bench.submit("b0", project: "/b", label: "b0", job: 20)
        bench.waitUntil { $0.queue.snapshot().queued.count == 2 }
        bench.submit("b1", project: "/b", label: "b1", job: 21)
        bench.waitUntil { $0.queue.snapshot().queued.first?.builds == 2 }
        #expect(bench.queue.snapshot().queued.map(\.project) == ["/b", "/a"])
        bench.release("a0")
        bench.waitUntil { $0.started.count == 3 }
        bench.release("a1")
        bench.waitUntil { $0.started.count == 4 }
        bench.release("b0")
        bench.waitUntil { $0.started.count == 5 }
        // B never waits behind A's queue: b0 at the first free slot, b1 after one more of A's.
        #expect(bench.started == ["a0", "a1", "b0", "a2", "b1"])
        for label in (0..<10).map({ "a\($0)" }) + ["b1"] { bench.release(label) }
        bench.waitUntil { $0.result("a9") != nil }
    }

    @Test func insideAProjectEarlierJobsFirstAndInsideAJobTheCriticalPath() {
        let bench = Bench(slots: 1)
        bench.submit("blocker", project: "/p", label: "blocker", job: 0)
        bench.waitUntil { $0.started == ["blocker"] }
        bench.submit("late", project: "/p", label: "late", job: 2, priority: 100)
        bench.waitUntil { $0.queue.snapshot().queued.first?.builds == 1 }
        bench.submit("short", project: "/p", label: "short", job: 1, priority: 1)
        bench.waitUntil { $0.queue.snapshot().queued.first?.builds == 2 }
        bench.submit("long", project: "/p", label: "long", job: 1, priority: 50)
        bench.waitUntil { $0.queue.snapshot().queued.first?.builds == 3 }
        for label in ["blocker", "long", "short", "late"] {
            bench.release(label)
        }
        bench.waitUntil { $0.result("late") != nil }
        #expect(bench.started == ["blocker", "long", "short", "late"])
    }

    @Test func anIdenticalQueuedBuildIsJoinedAndARunningOneOnlyWithTheSameDigest() {
        let bench = Bench(slots: 1)
        bench.submit("blocker", project: "/p", label: "blocker", job: 0)
        bench.waitUntil { $0.started == ["blocker"] }
        bench.submit("first", project: "/p", label: "x", job: 1)
        bench.waitUntil { $0.queue.snapshot().queued.first?.builds == 1 }
        bench.submit("second", project: "/p", label: "x", job: 2)
        bench.waitUntil { $0.queue.snapshot().totals.attached == 1 }
        // Another project's build of the same identity is another build.
        bench.submit("other", project: "/q", label: "x-other", identity: "x", job: 3)
        bench.waitUntil { $0.queue.snapshot().queued.count == 2 }
        bench.release("blocker")
        bench.release("x-other")
        bench.waitUntil { $0.started.contains("x") }
        // Running: joined only by a caller that knows its inputs are the same — here none do.
        bench.submit("third", project: "/p", label: "x", job: 4)
        bench.waitUntil { $0.queue.snapshot().queued.first?.builds == 1 }
        bench.release("x")
        // Each caller's thread records its own result after the build ends: wait for all four.
        bench.waitUntil { bench in ["first", "second", "third", "other"].allSatisfy { bench.result($0) != nil } }
        #expect(bench.result("first") == "x success" && bench.result("second") == "x success")
        #expect(bench.started.filter { $0 == "x" }.count == 2, "the third caller ran its own build")
        #expect(bench.queue.snapshot().totals == SlotQueue.Totals(builds: 4, attached: 1))

        let digests = Bench(slots: 2)
        digests.submit("one", project: "/p", label: "d", digest: "abc", job: 1)
        digests.waitUntil { $0.started == ["d"] }
        digests.submit("two", project: "/p", label: "d", digest: "abc", job: 2)
        digests.submit("three", project: "/p", label: "d", digest: "abd", job: 3)
        digests.waitUntil { $0.queue.snapshot().totals.attached == 1 && $0.started.count == 2 }
        digests.release("d")
        digests.waitUntil { $0.result("two") != nil && $0.result("three") != nil }
        #expect(digests.queue.snapshot().totals == SlotQueue.Totals(builds: 2, attached: 1))
    }

    @Test func aQueuedBuildCancelledAMomentBeforeItsSlotFreesNeverStarts() {
        let bench = Bench(slots: 1)
        bench.submit("first", project: "/p", label: "first", job: 0)
        bench.waitUntil { $0.started == ["first"] }
        let token = CancellationToken()
        bench.submit("second", project: "/p", label: "second", job: 1, cancellation: token)
        bench.waitUntil { $0.queue.snapshot().queued.first?.builds == 1 }
        // The slot frees at once after the cancel, before the caller's next look at its token.
        token.cancel()
        bench.release("first")
        bench.waitUntil { $0.result("second") != nil && $0.result("first") != nil }
        #expect(bench.started == ["first"])
        #expect(bench.result("second") == "left")
        #expect(bench.queue.snapshot().queued.isEmpty)
    }

    @Test func aCallerWhoLeavesEndsTheBuildOnlyWhenNobodyElseWaits() {
        let bench = Bench(slots: 1)
        let firstToken = CancellationToken()
        let secondToken = CancellationToken()
        bench.submit("first", project: "/p", label: "x", digest: "d", job: 1, cancellation: firstToken)
        bench.waitUntil { $0.started == ["x"] }
        bench.submit("second", project: "/p", label: "x", digest: "d", job: 2, cancellation: secondToken)
        bench.waitUntil { $0.queue.snapshot().totals.attached == 1 }
        firstToken.cancel()
        bench.waitUntil { $0.result("first") != nil }
        #expect(bench.result("first") == "left")
        #expect(bench.queue.snapshot().inUse == 1, "the second caller still waits: the build goes on")
        secondToken.cancel()
        bench.waitUntil { $0.result("second") != nil && $0.queue.snapshot().inUse == 0 }
        #expect(bench.result("second") == "left")
        #expect(bench.queue.snapshot().inUse == 0, "nobody waits: the build was ended and its slot freed")

        // Leaving a queued build drops it: it never starts.
        let queued = Bench(slots: 1)
        let token = CancellationToken()
        queued.submit("blocker", project: "/p", label: "blocker", job: 0)
        queued.waitUntil { $0.started == ["blocker"] }
        queued.submit("gone", project: "/p", label: "gone", job: 1, cancellation: token)
        queued.waitUntil { $0.queue.snapshot().queued.count == 1 }
        token.cancel()
        queued.waitUntil { $0.result("gone") != nil }
        queued.release("blocker")
        queued.waitUntil { $0.result("blocker") != nil }
        #expect(queued.started == ["blocker"])
        #expect(queued.queue.snapshot().queued.isEmpty)
    }
}

extension SlotQueueTests {
    @Test func aBuildThatSucceededAMomentAgoIsJoinedByOneWithTheSameInputs() {
        let bench = Bench(slots: 1)
        bench.release("d")
        bench.submit("one", project: "/p", label: "d", digest: "abc", job: 1)
        bench.waitUntil { $0.result("one") != nil }
        bench.submit("two", project: "/p", label: "d", digest: "abc", job: 2)
        bench.waitUntil { $0.result("two") != nil }
        bench.submit("three", project: "/p", label: "d", digest: "other", job: 3)
        bench.waitUntil { $0.result("three") != nil }
        bench.submit("four", project: "/p", label: "d", job: 4)
        bench.waitUntil { $0.result("four") != nil }
        #expect(bench.result("two") == "d success")
        #expect(bench.started == ["d", "d", "d"], "other inputs, or none known, build again")
        #expect(bench.queue.snapshot().totals == SlotQueue.Totals(builds: 3, attached: 1))
    }
}
