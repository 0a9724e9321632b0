import CPlanBuildSupport
import Dispatch
import Synchronization
import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildExecution

/// Running one program as a process group with a deadline and cancellation.
@Suite struct ProcessRunnerTests {
    /// Opens (creating) a file for the child's output.
    static func output(_ path: String) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }

    /// Pid → (state, process group) for every process in /proc.
    static func processTable() -> [(pid: Int32, state: Character, group: Int32)] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var table: [(Int32, Character, Int32)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name) else { continue }
            guard let stat = try? FileSystem.readText("/proc/\(pid)/stat"),
                  let close = stat.lastIndex(of: ")") else { continue }
            // "pid (comm) state ppid pgrp …": comm may hold spaces, so read after the last ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let state = fields[0].first, let group = Int32(fields[2]) else { continue }
            table.append((pid, state, group))
        }
        return table
    }

    /// Processes of group `pgid` that are still running (zombies are dead, only not yet reaped
    /// by whoever inherited them).
    static func liveMembers(ofGroup pgid: Int32) -> [Int32] {
        processTable().filter { $0.group == pgid && $0.state != "Z" && $0.state != "X" }.map(\.pid)
    }

    static func isAlive(_ pid: Int32) -> Bool {
        processTable().contains { $0.pid == pid && $0.state != "Z" && $0.state != "X" }
    }

    /// Waits up to `milliseconds` for `condition`.
    static func eventually(_ milliseconds: Int, _ condition: () -> Bool) -> Bool {
        let deadline = MonotonicClock.milliseconds() + milliseconds
        while MonotonicClock.milliseconds() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func readPid(_ path: String) -> Int32? {
        Int32(TestSupport.readText(path).filter { $0.isNumber })
    }

    @Test func exitCodeIsReported() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let outcome = try ProcessRunner.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"], workingDirectory: dir,
                                                outputDescriptor: fd, timeoutMilliseconds: 10_000).get()
            #expect(outcome.ending == .exited(3))
            #expect(outcome.durationMilliseconds < 3000)
            #expect(TestSupport.readText(dir + "/out.log") == "out\nerr\n")
        }
    }

    @Test func successAndWorkingDirectoryAndEnvironment() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let outcome = try ProcessRunner.run(["sh", "-c", "pwd; echo \"$PB_TEST_VALUE\""], workingDirectory: dir,
                                                environment: ["PB_TEST_VALUE=hello world", "PATH=/usr/bin:/bin"],
                                                outputDescriptor: fd, timeoutMilliseconds: nil).get()
            #expect(outcome.ending == .exited(0))
            #expect(TestSupport.readText(dir + "/out.log") == "\(dir)\nhello world\n")
        }
    }

    /// A build ended by a signal PlanBuild did not send is killed; an exit code of 128 + N that
    /// the build chose (a shell reporting its child's death) stays an exit code.
    @Test func killedBySignalIsKilledNotAnExitCode() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let outcome = try ProcessRunner.run(["/bin/sh", "-c", "kill -9 $$"], workingDirectory: dir,
                                                outputDescriptor: fd, timeoutMilliseconds: 10_000).get()
            #expect(outcome.ending == .killed(signal: 9))
            let chosen = try ProcessRunner.run(["/bin/sh", "-c", "exit 137"], workingDirectory: dir,
                                               outputDescriptor: fd, timeoutMilliseconds: 10_000).get()
            #expect(chosen.ending == .exited(137))
            let result = BuildResult(outcome, logFile: dir + "/out.log", command: "sh", timeoutUsed: 10)
            #expect(result.status == .killed && result.exitCode == -9 && result.error == "killed")
        }
    }

    /// The file mask a build gets: the build server passes its client's. Only the supervisor can
    /// set it (posix_spawn has no attribute for a umask).
    @Test(.enabled(if: pbs_supervisor_path() != nil)) func theBuildGetsTheGivenFileMask() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            _ = try ProcessRunner.run(["/bin/sh", "-c", "umask > mask.txt"], workingDirectory: dir, outputDescriptor: fd,
                                      timeoutMilliseconds: 10_000, fileMask: 0o027).get()
            #expect(try FileSystem.readText(dir + "/mask.txt") == "0027\n")
        }
    }

    @Test func timeoutEndsTheWholeProcessGroup() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let script = "echo $$ > leader.pid; sleep 300 & echo $! > background.pid; sleep 300"
            let started = MonotonicClock.milliseconds()
            let outcome = try ProcessRunner.run(["/bin/sh", "-c", script], workingDirectory: dir, outputDescriptor: fd,
                                                timeoutMilliseconds: 1000).get()
            let elapsed = MonotonicClock.milliseconds() - started
            #expect(outcome.ending == .timedOut)
            #expect(elapsed >= 900)
            #expect(elapsed < 3500, "took \(elapsed) ms")

            let leader = try #require(Self.readPid(dir + "/leader.pid"))
            let background = try #require(Self.readPid(dir + "/background.pid"))
            // The leader's pid is the process group id.
            #expect(Self.eventually(1000) { Self.liveMembers(ofGroup: leader).isEmpty },
                    "still running in group \(leader): \(Self.liveMembers(ofGroup: leader))")
            #expect(Self.eventually(1000) { !Self.isAlive(background) }, "background sleep \(background) survived")
            // kill(-pgid, 0) fails with ESRCH once every member is gone, zombies of an
            // inheriting non-reaping init aside.
            if Self.processTable().filter({ $0.group == leader }).isEmpty {
                #expect(kill(-leader, 0) == -1 && errno == ESRCH)
            }
        }
    }

    /// Under planbuild-supervisor (set-up's, which scripts/test names in PLANBUILD_SUPERVISOR) a
    /// timeout also ends a descendant that left the group with setsid (docs/processes.md).
    @Test(.enabled(if: pbs_supervisor_path() != nil)) func timeoutEndsASetsidDescendant() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let script = "setsid sh -c 'echo $$ > daemon.pid; exec sleep 300' & sleep 300"
            let outcome = try ProcessRunner.run(["/bin/sh", "-c", script], workingDirectory: dir, outputDescriptor: fd,
                                                timeoutMilliseconds: 800).get()
            #expect(outcome.ending == .timedOut)
            let daemon = try #require(Self.readPid(dir + "/daemon.pid"))
            #expect(!Self.isAlive(daemon), "the setsid'ed descendant \(daemon) survived the timeout")
        }
    }

    /// After a normal exit, a background child left in the build's group is ended.
    @Test(.enabled(if: pbs_supervisor_path() != nil)) func normalExitEndsWhatIsLeftInTheGroup() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let script = "sleep 300 & echo $! > background.pid; exit 0"
            let outcome = try ProcessRunner.run(["/bin/sh", "-c", script], workingDirectory: dir, outputDescriptor: fd,
                                                timeoutMilliseconds: 10_000).get()
            #expect(outcome.ending == .exited(0))
            let background = try #require(Self.readPid(dir + "/background.pid"))
            #expect(!Self.isAlive(background), "background child \(background) survived the build")
        }
    }

    @Test func timeoutWithAChildThatIgnoresSIGTERM() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let script = "echo $$ > leader.pid; trap '' TERM; sleep 300 & echo $! > background.pid; wait"
            let started = MonotonicClock.milliseconds()
            let outcome = try ProcessRunner.run(["/bin/sh", "-c", script], workingDirectory: dir, outputDescriptor: fd,
                                                timeoutMilliseconds: 500, graceMilliseconds: 500).get()
            let elapsed = MonotonicClock.milliseconds() - started
            #expect(outcome.ending == .timedOut)
            #expect(elapsed < 3000, "took \(elapsed) ms")
            let leader = try #require(Self.readPid(dir + "/leader.pid"))
            #expect(Self.eventually(1000) { Self.liveMembers(ofGroup: leader).isEmpty })
        }
    }

    @Test func cancellationStopsARunningChild() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let token = CancellationToken()
            let sample = Mutex(())
            nonisolated(unsafe) var runningBeforeCancel: [Int32] = []
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(400)) {
                // The /proc scan sees the group while it runs (so "no live member" below means something).
                let members = Self.readPid(dir + "/leader.pid").map { Self.liveMembers(ofGroup: $0) } ?? []
                sample.withLock { _ in runningBeforeCancel = members }
                token.cancel()
            }
            let script = "echo $$ > leader.pid; sleep 300 & sleep 300"
            let started = MonotonicClock.milliseconds()
            let outcome = try ProcessRunner.run(["/bin/sh", "-c", script], workingDirectory: dir, outputDescriptor: fd,
                                                timeoutMilliseconds: nil, cancellation: token).get()
            let elapsed = MonotonicClock.milliseconds() - started
            #expect(outcome.ending == .cancelled)
            #expect(token.isCancelled)
            #expect(elapsed < 2500, "took \(elapsed) ms")
            let leader = try #require(Self.readPid(dir + "/leader.pid"))
            #expect(sample.withLock { _ in runningBeforeCancel.count } >= 2, "the two sleeps (and sh): \(sample.withLock { _ in runningBeforeCancel })")
            #expect(Self.eventually(1000) { Self.liveMembers(ofGroup: leader).isEmpty })
        }
    }

    @Test func alreadyCancelledTokenStopsAtOnce() throws {
        try TestSupport.withTemporaryDirectory { dir throws in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let token = CancellationToken()
            token.cancel()
            token.cancel() // idempotent
            let outcome = try ProcessRunner.run(["sleep", "300"], workingDirectory: dir, outputDescriptor: fd,
                                                timeoutMilliseconds: 60_000, cancellation: token).get()
            #expect(outcome.ending == .cancelled)
            #expect(outcome.durationMilliseconds < 2000)
        }
    }

    @Test(arguments: ["planbuild-no-such-program-4711", "/nonexistent/bin/tool"])
    func missingProgramIsNotFound(_ program: String) {
        TestSupport.withTemporaryDirectory { dir in
            let fd = Self.output(dir + "/out.log")
            defer { close(fd) }
            let result = ProcessRunner.run([program, "arg"], workingDirectory: dir, outputDescriptor: fd, timeoutMilliseconds: 1000)
            guard case .failure(let error) = result else {
                Testing.Issue.record("expected a SpawnError, got \(result)")
                return
            }
            #expect(error.notFound)
            #expect(error.program == program)
            #expect(error.description.contains("not found"))
        }
    }

    @Test func emptyArgumentListIsAnError() {
        let result = ProcessRunner.run([], workingDirectory: "/tmp", outputDescriptor: -1, timeoutMilliseconds: 1000)
        guard case .failure = result else {
            Testing.Issue.record("expected a SpawnError, got \(result)")
            return
        }
    }
}
