import Testing
@testable import PlanBuildOrchestration

/// The JSON of every progress event, byte for byte as the C callback receives it (docs/events.md),
/// and the display line of each.
@Suite struct ProgressEventTests {
    static let core = ProgressEvent.BuildIdentity(module: "core", command: "verify", index: 0)

    @Test func runStartedCarriesTheHandleLast() {
        let event = ProgressEvent.runStarted(command: "verify", total: 2, jobs: 4, modules: ["core", "web"])
        #expect(event.jsonText(handle: 7)
            == #"{"event":"run_started","command":"verify","total":2,"jobs":4,"modules":["core","web"],"handle":7}"#)
        #expect(event.jsonText() == #"{"event":"run_started","command":"verify","total":2,"jobs":4,"modules":["core","web"]}"#)
        let unlimited = ProgressEvent.runStarted(command: "verify", total: 0, jobs: nil, modules: [])
        #expect(unlimited.jsonText(handle: 1) == #"{"event":"run_started","command":"verify","total":0,"jobs":null,"modules":[],"handle":1}"#)
        #expect(event.line == nil)
    }

    @Test func onlyRunStartedCarriesTheHandle() {
        let events: [ProgressEvent] = [
            .buildStarted(Self.core, elapsedSeconds: 0), .runFinished(status: .success, durationSeconds: 0, total: 0),
            .buildSkipped(Self.core, status: .skipped, reason: nil),
        ]
        for event in events { #expect(event.json(handle: 9)["handle"] == nil) }
    }

    @Test func buildStarted() {
        let event = ProgressEvent.buildStarted(Self.core, elapsedSeconds: 0.25)
        #expect(event.jsonText(handle: 3) == #"{"event":"build_started","module":"core","command":"verify","index":0,"elapsed_seconds":0.25}"#)
        #expect(event.line == "started  core")
        // A learned duration rides along, for a caller that draws a bar per build.
        let learned = ProgressEvent.buildStarted(Self.core, elapsedSeconds: 0.25, expectedSeconds: 12)
        #expect(learned.jsonText().hasSuffix(#""elapsed_seconds":0.25,"expected_seconds":12.0}"#))
    }

    @Test func buildFinished() {
        let outcome = ProgressEvent.BuildOutcome(status: .error, durationSeconds: 12, durationMilliseconds: 12345, errors: 2,
                                                 warnings: 1, logFile: "/p/core.log")
        let event = ProgressEvent.buildFinished(Self.core, outcome)
        #expect(event.jsonText() == #"{"event":"build_finished","module":"core","command":"verify","index":0,"status":"error","#
            + #""duration_seconds":12,"duration_ms":12345,"errors":2,"warnings":1,"log_file":"/p/core.log"}"#)
        #expect(event.line == "error    core  12s  errors 2")
        let cancelled = ProgressEvent.buildFinished(Self.core, ProgressEvent.BuildOutcome(
            status: .cancelled, durationSeconds: 0, durationMilliseconds: 5, errors: 0, warnings: 0, logFile: nil))
        #expect(cancelled.jsonText().hasSuffix(#""errors":0,"warnings":0,"log_file":null}"#))
        #expect(cancelled.line == "cancelled core  0s  errors 0")
        let withFirst = ProgressEvent.buildFinished(Self.core, ProgressEvent.BuildOutcome(
            status: .error, durationSeconds: 1, durationMilliseconds: 1000, errors: 1, warnings: 0, logFile: nil,
            firstError: "A.java:3: boom"))
        #expect(withFirst.jsonText().hasSuffix(#""log_file":null,"first_error":"A.java:3: boom"}"#))
    }

    @Test func buildSkipped() {
        let event = ProgressEvent.buildSkipped(ProgressEvent.BuildIdentity(module: "app", command: "verify", index: 2),
                                               status: .skipped, reason: "dependency core did not succeed (error)")
        #expect(event.jsonText() == #"{"event":"build_skipped","module":"app","command":"verify","index":2,"status":"skipped","#
            + #""reason":"dependency core did not succeed (error)"}"#)
        #expect(event.line == "skipped  app  dependency core did not succeed (error)")
        let noReason = ProgressEvent.buildSkipped(Self.core, status: .cancelled, reason: nil)
        #expect(noReason.jsonText().hasSuffix(#""status":"cancelled","reason":null}"#))
    }

    @Test func progress() {
        let summary = ProgressEvent.ProgressSummary(total: 3, completed: 2, failed: 1, running: 1, pending: 0, percent: 66.7,
                                                    elapsedSeconds: 12.4, etaSeconds: 3.0)
        #expect(ProgressEvent.progress(summary).jsonText() == #"{"event":"progress","total":3,"completed":2,"failed":1,"#
            + #""running":1,"pending":0,"percent":66.7,"elapsed_seconds":12.4,"eta_seconds":3.0}"#)
        #expect(ProgressEvent.progress(summary).line == "[2/3] 66.7%  running 1  failed 1  about 3s left")
        let unknown = ProgressEvent.ProgressSummary(total: 1, completed: 0, failed: 0, running: 1, pending: 0, percent: 0,
                                                    elapsedSeconds: 0, etaSeconds: nil)
        #expect(ProgressEvent.progress(unknown).jsonText().hasSuffix(#""eta_seconds":null}"#))
        #expect(ProgressEvent.progress(unknown).line == "[0/1] 0.0%  running 1  failed 0")
    }

    @Test func runFinished() {
        let event = ProgressEvent.runFinished(status: .partial, durationSeconds: 15, total: 3)
        #expect(event.jsonText(handle: 4) == #"{"event":"run_finished","status":"partial","duration_seconds":15,"total":3}"#)
        #expect(event.line == nil)
    }

    @Test func linesNeverSplit() {
        let evil = ProgressEvent.BuildIdentity(module: "evil\nstatus\tsuccess", command: "verify", index: 1)
        #expect(ProgressEvent.buildStarted(evil, elapsedSeconds: 0).line == "started  evil | status success")
        #expect(ProgressEvent.buildSkipped(evil, status: .skipped, reason: "a\r\nb").line == "skipped  evil | status success  a | b")
        // The JSON keeps the value intact: JSON escapes these characters itself.
        #expect(ProgressEvent.buildStarted(evil, elapsedSeconds: 0).jsonText().contains(#""module":"evil\nstatus\tsuccess""#))
    }
}
