import Testing
@testable import PlanBuildSupport
@testable import PlanBuildExecution
@testable import PlanBuildOrchestration
@testable import PlanBuildServer

/// The protocol's messages: every operation round-trips through its line, and whatever a peer
/// sends that breaks the protocol is a ProtocolError with the right code, never a crash.
@Suite struct ProtocolTests {
    static func decode(_ text: String) throws(ProtocolError) -> ClientMessage {
        try ClientMessage.decode(ArraySlice(Array(text.utf8)))
    }

    static func code(_ text: String) -> ServerProtocol.ErrorCode? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error.code
        }
    }

    static let context = ClientContext(workingDirectory: "/work", environment: ["PATH=/bin", "EMPTY="], fileMask: 0o022)

    @Test func everyOperationRoundTripsThroughItsLine() throws {
        let operations: [ClientMessage.Operation] = [
            .submit(Submission(kind: .build, request: JSONObject([("system", "maven"), ("args", "verify")]), context: Self.context,
                               cancelOnDisconnect: true)),
            .submit(Submission(kind: .orchestration, request: JSONObject([("command", "verify")]), context: Self.context)),
            .wait(job: "0123456789abcdef", seconds: 2.5), .attach(job: "a-1"), .cancel(job: "b"), .result(job: "c"),
            .list, .status, .stop, .drain,
        ]
        for (index, operation) in operations.enumerated() {
            let line = ClientMessage(operation, sequence: index).line
            let decoded = try Self.decode(line)
            #expect(decoded.sequence == index)
            #expect(decoded.line == line)
        }
    }

    @Test func brokenMessagesAreRefusedWithTheirCode() {
        #expect(Self.code("") == .malformedMessage)
        #expect(Self.code("not json") == .malformedMessage)
        #expect(Self.code("[1,2]") == .malformedMessage)
        #expect(Self.code(String(repeating: "[", count: 10_000)) == .malformedMessage)
        #expect(Self.code(#"{"op":"status"}"#) == .invalidMessage)
        #expect(Self.code(#"{"protocol":"1","op":"status"}"#) == .invalidMessage)
        #expect(Self.code(#"{"protocol":2,"op":"status"}"#) == .unsupportedProtocol)
        #expect(Self.code(#"{"protocol":1,"op":"launch"}"#) == .unknownOperation)
        #expect(Self.code(#"{"protocol":1,"op":"wait"}"#) == .invalidMessage)
        #expect(Self.code(#"{"protocol":1,"op":"wait","job":"../x"}"#) == .invalidMessage)
        #expect(Self.code(#"{"protocol":1,"op":"wait","job":"a","timeout_seconds":-1}"#) == .invalidMessage)
        #expect(Self.code(#"{"protocol":1,"op":"wait","job":"a","timeout_seconds":86401}"#) == .invalidMessage)
        #expect(Self.code(#"{"protocol":1,"op":"submit","kind":"rocket","request":{},"context":{}}"#) == .invalidMessage)
        let context = #""cwd":"/","environment":["A=1"],"umask":18"#
        #expect(Self.code(#"{"protocol":1,"op":"submit","kind":"build","request":[],"context":{\#(context)}}"#) == .invalidMessage)
        #expect(Self.code(#"{"protocol":1,"op":"submit","kind":"build","request":{},"context":{\#(context)}}"#) == nil)
        for broken in [#""cwd":"rel","environment":[],"umask":18"#, #""cwd":"/","environment":["NOVALUE"],"umask":18"#,
                       #""cwd":"/","environment":["=x"],"umask":18"#, #""cwd":"/","environment":[3],"umask":18"#,
                       #""cwd":"/","environment":[],"umask":512"#, #""cwd":"/","umask":18"#] {
            #expect(Self.code(#"{"protocol":1,"op":"submit","kind":"build","request":{},"context":{\#(broken)}}"#) == .invalidMessage)
        }
    }

    @Test func aRelativePathOfTheRequestIsTakenFromTheClientsDirectory() {
        let request = JSONObject([("junit", "out/build.xml"), ("events", "-"), ("trace", "/abs/t.json"), ("project_dir_option", "app")])
        let absolute = Self.context.absolutized(request)
        #expect(absolute["project_dir"] == "/work")
        #expect(absolute["junit"] == "/work/out/build.xml")
        #expect(absolute["events"] == "-")
        #expect(absolute["trace"] == "/abs/t.json")
        #expect(absolute["project_dir_option"] == "/work/app")
    }

    @Test func serverMessagesRoundTripAndAClientReadsThemAsHostile() throws {
        let replies: [ServerMessage.Reply] = [
            .submitted(job: "a", state: .queued), .result(job: "a", result: JSONObject([("status", "success")])),
            .running(job: "a", state: .running, elapsedSeconds: 1.25, etaSeconds: nil),
            .event(job: "a", event: JSONObject([("event", "progress")])), .cancelled(job: "a", state: .queued),
            .jobs([JSONObject([("job", "a")])]), .stopping(draining: true),
            .error(ProtocolError(.unknownJob, "no job a")),
        ]
        for reply in replies {
            let line = ServerMessage(reply, sequence: 7).line
            let decoded = try ServerMessage.decode(ArraySlice(Array(line.utf8)))
            #expect(decoded.sequence == 7)
            #expect(decoded.line == line)
        }
        #expect(throws: ProtocolError.self) { try ServerMessage.decode(ArraySlice(Array(#"{"protocol":1,"op":"result","job":"a"}"#.utf8))) }
        #expect(throws: ProtocolError.self) { try ServerMessage.decode(ArraySlice(Array(#"{"protocol":9,"op":"status"}"#.utf8))) }
    }

    @Test func progressEventsComeBackAsTheTypedEvents() throws {
        let build = ProgressEvent.BuildIdentity(module: "core", command: "verify", index: 2)
        let events: [ProgressEvent] = [
            .runStarted(command: "verify", total: 3, jobs: nil, modules: ["a", "b", "core"]),
            .runStarted(command: "verify", total: 1, jobs: 4, modules: ["a"]),
            .buildStarted(build, elapsedSeconds: 0.25, expectedSeconds: 12),
            .buildStarted(build, elapsedSeconds: 1, expectedSeconds: nil),
            .buildFinished(build, ProgressEvent.BuildOutcome(status: .killed, durationSeconds: 3, durationMilliseconds: 3_400, errors: 1,
                                                             warnings: 2, logFile: "/l.log", timeSavedSeconds: nil,
                                                             cacheMiss: .inputsChanged, firstError: "A.java:3: boom")),
            .buildFinished(build, ProgressEvent.BuildOutcome(status: .cached, durationSeconds: 0, durationMilliseconds: 0, errors: 0,
                                                             warnings: 0, logFile: nil, timeSavedSeconds: 9)),
            .buildSkipped(build, status: .skipped, reason: "dependency a did not succeed"),
            .progress(ProgressEvent.ProgressSummary(total: 3, completed: 1, failed: 0, running: 1, pending: 1, percent: 33.3,
                                                    elapsedSeconds: 2.5, etaSeconds: nil)),
            .runFinished(status: .partial, durationSeconds: 7, total: 3),
        ]
        for event in events {
            #expect(try ProgressEvent(json: event.json()) == event)
        }
        #expect(throws: ProtocolError.self) { try ProgressEvent(json: JSONObject([("event", "build_finished"), ("module", "a")])) }
    }

    @Test func theExecutionModeIsOneRule() throws {
        func chosen(_ requested: String?, _ environment: [String: String]) throws(PlanBuildError) -> ExecutionMode {
            try ExecutionMode.chosen(requested) { environment[$0] }
        }
        #expect(try chosen(nil, [:]) == .auto)
        #expect(try chosen("server", [:]) == .server)
        #expect(try chosen(nil, ["PLANBUILD_EXECUTION_MODE": "in_process"]) == .inProcess)
        #expect(try chosen("server", ["PLANBUILD_EXECUTION_MODE": "in_process"]) == .server)
        // Inside a build of the server nothing goes to the server again.
        #expect(try chosen("server", ["PLANBUILD_SERVER_BUILD": "1"]) == .inProcess)
        #expect(throws: PlanBuildError.self) { try chosen("elsewhere", [:]) }
    }
}
