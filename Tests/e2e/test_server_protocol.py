"""The protocol's operations against a real server: a bounded `wait` answers `running` with the
elapsed time and comes back for the result, `attach` replays the events so far, `cancel`, `list`,
`result` and `drain`."""
import os
from pathlib import Path

from server_support import Server, context, fake_project, orchestration_project, records, wait_for


def test_wait_with_a_bound_then_the_result_cancel_list_and_drain(tmp_path: Path):
    server = Server(tmp_path, max_slots=1).start()
    try:
        project = fake_project(tmp_path)
        client = server.client()
        gate = tmp_path / "first-may-end"
        first = client.submit_build(project, f"verify -Dname=first -Dsleep=0 -Dgate={gate}")
        # The second is submitted once the first holds the one slot: jobs submitted a moment apart
        # reach the queue from threads of their own, so the order they would arrive in is not fixed.
        assert wait_for(lambda: [row[1] for row in records(project) if row[0] == "start"] == ["first"], 30)
        second = client.submit_build(project, "verify -Dname=second -Dsleep=1")
        running = client.ask({"op": "wait", "job": first, "timeout_seconds": 0.2})
        assert running["op"] == "running" and running["job"] == first
        assert running["elapsed_seconds"] >= 0 and "eta_seconds" in running
        queued = client.ask({"op": "result", "job": second})
        assert queued["op"] == "running" and queued["state"] == "queued"
        cancelled = client.ask({"op": "cancel", "job": second})
        assert cancelled == {"protocol": 1, "op": "cancelled", "job": second, "state": "queued", "seq": cancelled["seq"]}
        gate.touch()
        done = client.ask({"op": "wait", "job": first, "timeout_seconds": 30})
        assert done["op"] == "result" and done["result"]["status"] == "success" and done["result"]["job"] == first
        gone = client.ask({"op": "wait", "job": second, "timeout_seconds": 30})
        assert gone["result"]["error"] == "cancelled"
        assert [row[1] for row in records(project) if row[0] == "start"] == ["first"], "the cancelled job never started"
        jobs = client.ask({"op": "list"})["jobs"]
        assert [(job["job"], job["state"], job["status"]) for job in jobs] == [(first, "finished", "success"),
                                                                              (second, "finished", "error")]
        assert client.ask({"op": "wait", "job": "ffffffffffffffff"})["error"] == "unknown_job"

        # A drain takes no new job and ends the server once the accepted ones have finished.
        third = client.submit_build(project, "verify -Dname=third -Dsleep=0.5")
        assert client.ask({"op": "drain"})["op"] == "stopping"
        refused = server.client().ask({"op": "submit", "kind": "build", "request": {}, "context": {
            "cwd": "/", "environment": [], "umask": 18}})
        assert refused["error"] == "not_accepting"
        assert server.client().ask({"op": "status"})["state"] == "draining"
        assert client.ask({"op": "wait", "job": third, "timeout_seconds": 30})["result"]["status"] == "success"
        assert wait_for(lambda: not server.socket.exists(), 20), "the drained server ended"
    finally:
        server.stop()


def test_attach_replays_the_events_so_far_then_follows(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        project = orchestration_project(tmp_path, {"a": {"sleep": 0.5}, "b": {"sleep": 0.5, "deps": ["a"]}})
        client = server.client()
        reply = client.ask({"op": "submit", "kind": "orchestration", "request": {"project_dir": str(project), "command": "verify"},
                            "context": {"cwd": "/", "environment": ["PATH=/usr/bin:/bin"], "umask": 18}})
        job = reply["job"]
        assert wait_for(lambda: any(row[1] == "b" for row in records(project)))
        late = server.client()
        seq = late.send({"op": "attach", "job": job})
        seen = []
        while True:
            message = late.receive()
            assert message["seq"] == seq
            if message["op"] == "result":
                break
            seen.append(message["event"]["event"])
        assert seen[0] == "run_started" and seen[-1] == "run_finished"
        assert seen.count("build_finished") == 2
        assert message["result"]["status"] == "success" and message["result"]["job"] == job
    finally:
        server.stop()


def test_finished_jobs_hold_no_descriptors(tmp_path: Path):
    """A finished job is kept for a day, but not its cancellation pipe: the server's open
    descriptors stay level over many jobs (two were held per job, so a server with the common
    limit of 1024 ran out after about 500 jobs)."""
    server = Server(tmp_path).start()
    try:
        project = orchestration_project(tmp_path, {"a": {"sleep": 0}})
        client = server.client()

        def orchestrate():
            reply = client.ask({"op": "submit", "kind": "orchestration", "request": {"project_dir": str(project), "command": "verify",
                                                                                     "cache": False},
                                "context": {"cwd": "/", "environment": ["PATH=/usr/bin:/bin"], "umask": 18}})
            done = client.ask({"op": "wait", "job": reply["job"], "timeout_seconds": 30})
            assert done["result"]["status"] == "success", done

        def descriptors() -> int:
            return len(os.listdir(f"/proc/{server.pid}/fd"))

        for _ in range(3):
            orchestrate()
        before = descriptors()
        for _ in range(40):
            orchestrate()
        assert descriptors() - before < 8, (before, descriptors())
        assert len(client.ask({"op": "list"})["jobs"]) == 43, "the finished jobs are all still kept"
    finally:
        server.stop()


def test_cancel_on_disconnect_cancels_only_that_connections_jobs(tmp_path: Path):
    """A job submitted with `cancel_on_disconnect` is cancelled when its connection closes; a job
    of the same connection without it, and one of another connection, run on."""
    server = Server(tmp_path, max_slots=3).start()
    try:
        project = fake_project(tmp_path)
        leaving, staying = server.client(), server.client()
        gate = tmp_path / "may-end"

        def submit(client, name, **members):
            request = {"project_dir": str(project), "system": "maven", "args": f"verify -Dname={name} -Dsleep=0 -Dgate={gate}"}
            reply = client.ask({"op": "submit", "kind": "build", "request": request, "context": context(), **members})
            assert reply["op"] == "submitted", reply
            return reply["job"]

        tied = submit(leaving, "tied", cancel_on_disconnect=True)
        loose = submit(leaving, "loose")
        other = submit(staying, "other")
        assert wait_for(lambda: sorted(row[1] for row in records(project) if row[0] == "start") == ["loose", "other", "tied"], 30)
        leaving.close()
        assert staying.ask({"op": "wait", "job": tied, "timeout_seconds": 30})["result"]["error"] == "cancelled"
        gate.touch()
        for job in (loose, other):
            assert staying.ask({"op": "wait", "job": job, "timeout_seconds": 30})["result"]["status"] == "success"
    finally:
        server.stop()
